// Finding a user the way Zendesk allows (docs/zendesk-rules.md §1, §8, §4): by id (show, then deleted_users/{id}); by external
// id through the list filter GET /users?external_id= (no search lag; compared case-insensitively, as Zendesk
// treats external ids); by email through search (which lags minutes behind new users); and, when the live
// lookup misses, among soft-deleted users, so that an interrupted deprovision can resume. Zendesk's deleted-user
// records carry no external_id (S1, DeletedUserObject): a soft-deleted user is found by id or email only.
import type { UserRef, UserSnapshot } from '@zendesk-lifecycle/core';
import type { ZendeskApi } from '../api/zendesk-api.js';
import { NotFound } from '../errors.js';
import { toSnapshot, type ZendeskUser } from './snapshot.js';

/** How `findUser` looks for a user (how long to wait for a lagging search). */
export interface FindUserOptions {
  /** Soft-deleted users count too (default true); false: only users that are not deleted. */
  deleted?: boolean;
}

const sameText = (a: string | null | undefined, b: string): boolean =>
  typeof a === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase();

/** Whether a user record is the one an email or external-id reference names. */
function matches(user: ZendeskUser, ref: UserRef): boolean {
  if (ref.external_id !== undefined) return sameText(user.external_id, ref.external_id);
  if (ref.email !== undefined) return sameText(user.email, ref.email);
  return false;
}

/** True when only search can find the reference (an email alone): such a lookup lags behind new users. */
export function lookupLags(ref: UserRef): boolean {
  return ref.id === undefined && ref.external_id === undefined && ref.email !== undefined;
}

/** The record a show call answers, or null when Zendesk has none. */
async function show(read: Promise<{ body: ZendeskUser | undefined }>): Promise<ZendeskUser | null> {
  try {
    return (await read).body ?? null;
  } catch (error) {
    if (error instanceof NotFound) return null;
    throw error;
  }
}

async function firstMatch(pages: AsyncIterable<ZendeskUser[]>, ref: UserRef): Promise<ZendeskUser | null> {
  for await (const page of pages) {
    const hit = page.find((u) => matches(u, ref));
    if (hit) return hit;
  }
  return null;
}

async function findLive(api: ZendeskApi, ref: UserRef): Promise<ZendeskUser | null> {
  if (ref.id !== undefined) return show(api.showUser(ref.id));
  if (ref.external_id !== undefined)
    return firstMatch(api.pages<ZendeskUser>('users', ['users', { external_id: ref.external_id }]), ref);
  if (ref.email === undefined) return null;
  // Search pages by offset only (S1): no page[size]. Its records lag too (a user soft-deleted a moment ago is
  // still there, active), so the user found is read again by id.
  const search = ['users', 'search', { query: `email:${ref.email}` }];
  const hit = await firstMatch(api.pages<ZendeskUser>('users', search, { cursor: false }), ref);
  if (!hit) return null;
  return (await show(api.showUser(hit.id))) ?? (await show(api.showDeletedUser(hit.id)));
}

async function findDeleted(api: ZendeskApi, ref: UserRef): Promise<ZendeskUser | null> {
  if (ref.id !== undefined) return show(api.showDeletedUser(ref.id));
  return firstMatch(api.pages<ZendeskUser>('deleted_users', ['deleted_users']), ref);
}

/**
 * The newest soft-deleted (not yet purged) user with this email, from `GET /deleted_users` (read to its end; its
 * records carry no external id, S1): a re-hired person's former profile. null when there is none.
 */
export async function findDeletedByEmail(api: ZendeskApi, email: string): Promise<UserSnapshot | null> {
  let newest: ZendeskUser | null = null;
  for await (const page of api.pages<ZendeskUser>('deleted_users', ['deleted_users']))
    for (const u of page) if (matches(u, { email }) && (newest === null || u.id > newest.id)) newest = u;
  return newest ? toSnapshot({ ...newest, active: false }, api.accountOwnerId()) : null;
}

/** The user a reference names, soft-deleted users included (active: false) unless asked not to; or null. */
export async function findUser(
  api: ZendeskApi,
  ref: UserRef,
  options: FindUserOptions = {},
): Promise<UserSnapshot | null> {
  const live = await findLive(api, ref);
  if (live && live.active !== false) return toSnapshot(live, api.accountOwnerId());
  if (options.deleted === false) return null;
  const deleted = live ?? (await findDeleted(api, ref));
  return deleted ? toSnapshot({ ...deleted, active: false }, api.accountOwnerId()) : null;
}
