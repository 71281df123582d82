// A re-hire of a soft-deleted person. Zendesk cannot undelete a user, soft or permanent (docs/zendesk-rules.md §4,
// S10), and its API has no such call (S1); the email and external id of a soft-deleted user are free again (a
// soft-deleted person who writes in gets a new profile, S10; creating a user with them succeeds, while an active
// user's email is refused with 422 DuplicateValue, S22). So, as an admin would: the person gets a new profile with
// the recorded name, email and external id, and the recorded role, custom role, suspension and groups; the old
// profile stays deleted. Idempotent: an active profile with that external id or email (ours from an earlier try,
// or one single sign-on created on first login) is restored onto instead of creating a second one.
import {
  ActionRefused,
  LifecycleError,
  userIdentityOf,
  type ActionReport,
  type PriorState,
  type UserIdentity,
  type UserSnapshot,
} from '@zendesk-lifecycle/core';
import type { ZendeskApi } from '../api/zendesk-api.js';
import { Invalid, NotFound } from '../errors.js';
import { findUser } from '../users/find-user.js';
import { toSnapshot, type ZendeskUser } from '../users/snapshot.js';
import { NO_SEAT, refuseAdminUnlessAllowed, seatRefusal } from './restore-refusals.js';

/** Refuses a profile no action may touch (the protected users: the owner, the service user, the lists). */
export type ProfileGuard = (profile: UserSnapshot) => Promise<void>;

/** A 422 saying the email or external id belongs to another (active) user (S22: `DuplicateValue`). */
const DUPLICATE = /DuplicateValue|already being used|already been taken/i;

const sameText = (a: string | null | undefined, b: string): boolean =>
  typeof a === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The active user with this email. Search lags (§8, S16) and may still list the soft-deleted profile: every hit
 * with the email is read again by id, and the first active one wins.
 */
async function activeByEmail(api: ZendeskApi, email: string): Promise<ZendeskUser | null> {
  const search = ['users', 'search', { query: `email:${email}` }];
  for await (const page of api.pages<ZendeskUser>('users', search, { cursor: false })) {
    for (const hit of page.filter((u) => sameText(u.email, email))) {
      try {
        const user = (await api.showUser<ZendeskUser>(hit.id)).body;
        if (user && user.active !== false) return user;
      } catch (error) {
        if (!(error instanceof NotFound)) throw error;
      }
    }
  }
  return null;
}

/** An active profile of the person: by external id first (a list filter, no lag), then by email. */
async function findActiveProfile(
  api: ZendeskApi,
  identity: UserIdentity,
  deletedId: number,
): Promise<{ user: UserSnapshot; by: string } | null> {
  const ownerId = api.accountOwnerId();
  if (identity.external_id !== null) {
    const found = await findUser(api, { external_id: identity.external_id }, { deleted: false });
    if (found && found.id !== deletedId) return { user: found, by: 'external id' };
  }
  if (identity.email !== null) {
    const found = await activeByEmail(api, identity.email);
    if (found && found.id !== deletedId) return { user: toSnapshot(found, ownerId), by: 'email' };
  }
  return null;
}

/** `POST /users` with the recorded identity and role (one call: the seat is checked as the profile is made). */
async function createProfile(
  api: ZendeskApi,
  deleted: UserSnapshot,
  identity: UserIdentity,
  prior: PriorState,
): Promise<{ user: UserSnapshot; requestIds: string[] }> {
  const body: Record<string, unknown> = { name: identity.name, role: prior.role };
  if (identity.email !== null) body.email = identity.email;
  if (identity.external_id !== null) body.external_id = identity.external_id;
  // As restore sets it: an agent's custom role, and a billing admin's (role_type 5); other admins get Zendesk's.
  if ((prior.role === 'agent' || prior.role_type === 5) && prior.custom_role_id !== null)
    body.custom_role_id = prior.custom_role_id;
  try {
    const res = await api.createUser<ZendeskUser>(body);
    return { user: toSnapshot(res.body, api.accountOwnerId()), requestIds: res.requestIds };
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    const said = JSON.stringify(error.body);
    if (NO_SEAT.test(said)) throw seatRefusal(deleted, prior, error);
    if (DUPLICATE.test(said))
      // An active profile holds the email or external id, but the lookups do not show it yet (search lags).
      throw new LifecycleError(
        'zendesk_conflict',
        `Zendesk says an active user already has the email or external id of ${identity.name} (deleted profile ` +
          `${deleted.id}), which search does not show yet (Zendesk: ${said.slice(0, 300)}); tried again later, ` +
          'the state is restored onto that profile',
        { retryable: true, retryAfterSeconds: 60 },
      );
    throw error;
  }
}

/**
 * Restores `prior` for the soft-deleted `deleted` onto an active profile of the same person, found or created;
 * `restoreActive` restores onto an active user (restore.ts). The report's `before` is the deleted profile, its
 * `after` the active one (another id): the audit ticket and the result name both.
 */
export async function restoreOntoProfile(
  api: ZendeskApi,
  deleted: UserSnapshot,
  prior: PriorState,
  mayTargetAdmins: boolean,
  guard: ProfileGuard,
  restoreActive: (profile: UserSnapshot) => Promise<ActionReport>,
): Promise<ActionReport> {
  // What the audit trail recorded first; else what Zendesk still shows of the deleted profile.
  const identity = prior.identity ?? userIdentityOf(deleted);
  if (identity.email === null && identity.external_id === null)
    throw new ActionRefused(
      'user_deleted',
      `${deleted.name} (${deleted.id}) is deleted and neither an email nor an external id of the person is ` +
        'recorded: Zendesk cannot undelete a user, and a new profile cannot be matched to the person; create it ' +
        'by hand and set its role and groups',
    );
  refuseAdminUnlessAllowed(deleted, prior, mayTargetAdmins);
  const found = await findActiveProfile(api, identity, deleted.id);
  if (found) await guard(found.user);
  const created = found ? null : await createProfile(api, deleted, identity, prior);
  const profile = found?.user ?? created!.user;
  const report = await restoreActive(profile);
  const how = found
    ? `found active profile ${profile.id} (same ${found.by}: made by an earlier try, or by single sign-on)`
    : `created a new profile ${profile.id}`;
  const detail =
    `Zendesk cannot undelete a user: ${how} for the re-hired ${identity.name}; the old profile ${deleted.id} ` +
    'stays deleted with its tickets, and Zendesk purges it 30 days after its soft delete (the re-hire cancelled ' +
    `the earlier purge); ${report.detail ?? ''}`.replace(/; $/, '');
  return {
    status: created === null && report.status === 'already_done' ? 'already_done' : 'succeeded',
    before: { ...deleted, group_ids: [] },
    after: report.after,
    request_ids: [...(created?.requestIds ?? []), ...report.request_ids],
    detail,
  };
}
