// Whether a record's Kafka key names the user its event is about. The key decides the partition, hence the order of
// one user's events: a record keyed as another user could overtake or be overtaken by that user's events.
import { eventKey, type LifecycleEvent } from '@zendesk-lifecycle/core';

/**
 * Why `key` does not name the event's user, or undefined when it does. Accepted: no key, the key the producer
 * computes (`eventKey`), the event's subject (already checked against the user), or any `id:`, `external_id:` or
 * `email:` form of the user's identifiers, bare id or email included (case-insensitive).
 */
export function keyMismatch(key: string | null | undefined, event: LifecycleEvent): string | undefined {
  if (key === null || key === undefined || key === '') return undefined;
  const user = event.data.user;
  const names = [eventKey(event), event.subject];
  if (user.id !== undefined) names.push(`id:${user.id}`, String(user.id));
  if (user.external_id !== undefined) names.push(`external_id:${user.external_id}`);
  if (user.email !== undefined) names.push(`email:${user.email}`, user.email);
  const wanted = key.toLowerCase();
  if (names.some((name) => name?.toLowerCase() === wanted)) return undefined;
  return `the record key "${key.slice(0, 200)}" names another user than the event (expected "${eventKey(event)}")`;
}
