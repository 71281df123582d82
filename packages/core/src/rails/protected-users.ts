// Users no automation may touch: the account owner, configured ids/emails/external ids, the service identity.
import type { UserSnapshot } from '../model/users.js';

export interface ProtectedUsers {
  ids: number[];
  emails: string[];
  external_ids: string[];
}

/** Why the user is protected, or null when it is not. */
export function protectionOf(user: UserSnapshot, protectedUsers: ProtectedUsers): string | null {
  if (user.is_account_owner) return 'the account owner is never changed by automation';
  if (protectedUsers.ids.includes(user.id)) return `user ${user.id} is protected by policy`;
  const email = user.email?.toLowerCase();
  if (email && protectedUsers.emails.some((e) => e.toLowerCase() === email))
    return `${email} is protected by policy`;
  if (user.external_id && protectedUsers.external_ids.includes(user.external_id)) {
    return `external id ${user.external_id} is protected by policy`;
  }
  return null;
}
