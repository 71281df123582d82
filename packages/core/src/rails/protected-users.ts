// Users no automation may touch: the account owner, the service's own Zendesk users, configured ids/emails/
// external ids, and admins unless the principal may target admins. The executor and the Zendesk client both ask
// this one rule.
import { z } from 'zod';
import type { UserSnapshot } from '../model/users.js';

/** Users named by id, email or external id (emails and external ids compare case-insensitively, as Zendesk does). */
export const userListSchema = z
  .object({
    ids: z.array(z.number().int().positive()).default([]),
    emails: z.array(z.email()).default([]),
    external_ids: z.array(z.string().min(1)).default([]),
  })
  .strict();
/** Users named by id, email and external id. */
export type UserList = z.output<typeof userListSchema>;

/** Users no action may touch (the policy's list, plus the account owner and the service's own users). */
export interface ProtectedUsers extends UserList {
  /** The service's own Zendesk users (`GET /users/me` of each account it signs in to). */
  service_user_ids?: number[];
  /**
   * The account owner's user id (ZENDESK_ACCOUNT_OWNER_ID: Zendesk's API does not name the owner). Unknown
   * (undefined or null): the owner is always an admin, so every admin is then refused, whoever asks.
   */
  account_owner_id?: number | null;
}

/** Who asked, as far as protection cares. */
export interface ProtectionContext {
  /** The principal may act on admins (policy); without it admins are protected. */
  may_target_admins?: boolean;
}

/** How the list names the user, or null when it does not. */
export function listedAs(user: UserSnapshot, list: UserList): string | null {
  if (list.ids.includes(user.id)) return `user ${user.id}`;
  const email = user.email?.toLowerCase();
  if (email && list.emails.some((e) => e.toLowerCase() === email)) return email;
  const externalId = user.external_id?.toLowerCase();
  if (externalId && list.external_ids.some((e) => e.toLowerCase() === externalId))
    return `external id ${user.external_id}`;
  return null;
}

/** Why the user is protected, or null when it is not. */
export function protectionOf(
  user: UserSnapshot,
  protectedUsers: ProtectedUsers,
  context: ProtectionContext = {},
): string | null {
  const ownerId = protectedUsers.account_owner_id ?? null;
  if (user.is_account_owner || user.id === ownerId) return 'the account owner is never changed by automation';
  if (protectedUsers.service_user_ids?.includes(user.id))
    return `user ${user.id} is the service's own Zendesk user`;
  const listed = listedAs(user, protectedUsers);
  if (listed) return `${listed} is protected by policy`;
  if (user.role === 'admin') {
    if (ownerId === null)
      return (
        `user ${user.id} is an admin and the account owner is not known (ZENDESK_ACCOUNT_OWNER_ID is not set): ` +
        'the owner is an admin, so no admin is changed'
      );
    if (!context.may_target_admins)
      return `user ${user.id} is an admin, and whoever asked may not target admins (policy)`;
  }
  return null;
}
