// Undo: puts a user back in the state recorded before a lifecycle event (role, custom role, suspension, group
// memberships). An agent seat needs a free licence (docs/zendesk-rules.md §9, S9): refused with the reason when
// none is free. Zendesk has no undelete (§4, S10): a soft-deleted person gets the state on a new profile
// (rehire-profile.ts). Idempotent: a user already in that state is `already_done`.
import {
  describeState,
  matchesState,
  userStateOf,
  type ActionReport,
  type PriorState,
  type UserSnapshot,
} from '@zendesk-lifecycle/core';
import type { ZendeskApi } from '../api/zendesk-api.js';
import { Invalid, NotFound } from '../errors.js';
import { toSnapshot, type ZendeskUser } from '../users/snapshot.js';
import { restoreOntoProfile, type ProfileGuard } from './rehire-profile.js';
import { NO_SEAT, refuseAdminUnlessAllowed, seatRefusal } from './restore-refusals.js';

interface Membership {
  id: number;
  group_id: number;
}

/** The user's group ids (ascending); an end user or a deleted user belongs to no group, and costs no call. */
export async function groupIdsOf(api: ZendeskApi, user: UserSnapshot): Promise<number[]> {
  if (user.role === 'end-user' || !user.active) return [];
  const memberships = await api.groupMemberships<Membership>(user.id);
  return memberships.map((m) => m.group_id).sort((a, b) => a - b);
}

/** The user as it is before a change, with its group memberships read (what undo puts back). */
export async function withGroups(api: ZendeskApi, user: UserSnapshot): Promise<UserSnapshot> {
  return { ...user, group_ids: await groupIdsOf(api, user) };
}

/**
 * Restores `prior` on `user`; `ownerId` names the account owner in the snapshots. Giving the admin role back is
 * refused (`protected_user`) unless the principal may target admins. A soft-deleted user's state goes onto an
 * active profile of the same person (found, or created), which `guard` may refuse first (the protected users).
 */
export async function restoreUser(
  api: ZendeskApi,
  user: UserSnapshot,
  prior: PriorState,
  ownerId: number | null,
  mayTargetAdmins = false,
  guard: ProfileGuard = async () => {},
): Promise<ActionReport> {
  if (!user.active)
    return restoreOntoProfile(api, user, prior, mayTargetAdmins, guard, (profile) =>
      restoreUser(api, profile, prior, ownerId, mayTargetAdmins),
    );
  refuseAdminUnlessAllowed(user, prior, mayTargetAdmins);
  const before = await withGroups(api, user);
  if (matchesState(before, prior))
    return {
      status: 'already_done',
      before,
      after: before,
      request_ids: [],
      detail: `already as recorded: ${describeState(prior)}`,
    };
  const requestIds: string[] = [];
  let current = before;
  const changes: Record<string, unknown> = {};
  if (before.role !== prior.role) changes.role = prior.role;
  // An admin's custom role is the built-in one Zendesk gives with the role, except a billing admin's (role_type 5).
  const customRole = prior.role === 'agent' || prior.role_type === 5;
  if (customRole && prior.custom_role_id !== null && before.custom_role_id !== prior.custom_role_id)
    changes.custom_role_id = prior.custom_role_id;
  if (before.suspended !== prior.suspended) changes.suspended = prior.suspended;
  if (Object.keys(changes).length > 0) {
    try {
      const res = await api.updateUser<ZendeskUser>(user.id, changes);
      requestIds.push(...res.requestIds);
      current = toSnapshot(res.body, ownerId);
    } catch (error) {
      if (error instanceof Invalid && NO_SEAT.test(JSON.stringify(error.body)))
        throw seatRefusal(user, prior, error);
      throw error;
    }
  }
  const notRestored: number[] = [];
  let groupIds = await groupIdsOf(api, current);
  if (prior.group_ids !== null && current.role !== 'end-user') {
    // Zendesk may have put an upgraded user in the default group: memberships end up exactly as recorded.
    const memberships = await api.groupMemberships<Membership>(user.id);
    for (const m of memberships.filter((m) => !prior.group_ids!.includes(m.group_id))) {
      try {
        requestIds.push(...(await api.deleteGroupMembership(m.id)).requestIds);
      } catch (error) {
        if (!(error instanceof NotFound)) throw error;
      }
    }
    const have = new Set(memberships.map((m) => m.group_id));
    for (const groupId of prior.group_ids.filter((id) => !have.has(id))) {
      try {
        requestIds.push(...(await api.createGroupMembership(user.id, groupId)).requestIds);
      } catch (error) {
        // A group deleted since: nothing to put the user back in; said in the detail, the rest goes on.
        if (!(error instanceof Invalid || error instanceof NotFound)) throw error;
        notRestored.push(groupId);
      }
    }
    groupIds = await groupIdsOf(api, current);
  }
  const after = { ...current, group_ids: groupIds };
  const missing = notRestored.length > 0 ? `; groups ${notRestored.join(', ')} no longer exist` : '';
  return {
    status: 'succeeded',
    before,
    after,
    request_ids: requestIds,
    detail: `restored to ${describeState(userStateOf(after))}${missing}`,
  };
}
