// The user an event is about, as a short stable string: the Kafka message key and the CloudEvents subject.
import type { UserRef } from '../model/users.js';

/** The user's most stable identifier: Zendesk id, else external id, else the lower-cased email. */
export function userKey(ref: UserRef): string {
  if (ref.id !== undefined) return `id:${ref.id}`;
  if (ref.external_id !== undefined) return `external_id:${ref.external_id}`;
  if (ref.email !== undefined) return `email:${ref.email.toLowerCase()}`;
  throw new Error('a user reference needs an id, an external id or an email');
}

/** Every form of subject that names this user. */
export function subjectsOf(ref: UserRef): string[] {
  const out: string[] = [];
  if (ref.id !== undefined) out.push(`id:${ref.id}`, String(ref.id));
  if (ref.external_id !== undefined) out.push(`external_id:${ref.external_id}`);
  if (ref.email !== undefined) out.push(`email:${ref.email.toLowerCase()}`, ref.email.toLowerCase());
  return out;
}
