// Undo: puts a user back in the state recorded before a lifecycle event (role, custom role, suspension, group
// memberships). Zendesk has no undelete, and an agent seat needs a free licence (docs/zendesk-rules.md §9, S9):
// both are refused with the reason. Idempotent: a user already in that state is `already_done`.
import {
  ActionRefused,
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

interface Membership {
  id: number;
  group_id: number;
}

/** Zendesk's refusal of a role change for want of a seat (its admin UI says "Subscription limit reached"). */
const NO_SEAT = /seat|subscription limit|licen[cs]e/i;

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

function seatRefusal(user: UserSnapshot, prior: PriorState, error: Invalid): ActionRefused {
  const said = JSON.stringify(error.body);
  return new ActionRefused(
    'no_free_seat',
    `no agent seat is free to make ${user.name} (${user.id}) ${prior.role} again (Zendesk: ${said.slice(0, 300)}); ` +
      'free a seat (downgrade an agent who left) or buy one, then send the event again',
  );
}

/**
 * Restores `prior` on `user`; `ownerId` names the account owner in the snapshots. Giving the admin role back is
 * refused (`protected_user`) unless the principal may target admins.
 */
export async function restoreUser(
  api: ZendeskApi,
  user: UserSnapshot,
  prior: PriorState,
  ownerId: number | null,
  mayTargetAdmins = false,
): Promise<ActionReport> {
  if (!user.active)
    throw new ActionRefused(
      'user_deleted',
      `${user.name} (${user.id}) is deleted: Zendesk's API has no undelete, so the earlier state cannot be restored; ` +
        'create the user again (a new id) and set its role and groups by hand',
    );
  if (prior.role === 'admin' && user.role !== 'admin' && !mayTargetAdmins)
    throw new ActionRefused(
      'protected_user',
      `giving ${user.name} (${user.id}) the admin role back needs a principal that may target admins ` +
        '(may_target_admins): send the event through one, or restore the admin role by hand',
    );
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
