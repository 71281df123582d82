// Builds valid lifecycle events for publishers: id and time filled in, subject set from the user.
import type { ActionName, UserRef } from '../model/index.js';
import type { EventType } from './event-types.js';
import { parseEventObject } from './parse-event.js';
import { describeParseError } from './parse-errors.js';
import type { LifecycleEvent } from './schemas.js';
import { userKey } from './user-key.js';

/** What `createLifecycleEvent` builds an event from. */
export interface NewEvent {
  type: EventType;
  source: string;
  user: UserRef;
  transfer_to?: UserRef;
  actions?: ActionName[];
  reason?: string;
  requested_by?: string;
  /** Defaults to a random UUID. */
  id?: string;
  /** Defaults to now. */
  time?: string;
  /** Extra data fields of the type (e.g. last_login_at for inactivity). */
  extra?: Record<string, unknown>;
}

function subjectOf(user: UserRef): string | undefined {
  try {
    return userKey(user);
  } catch {
    return undefined; // the schema then says which field is missing
  }
}

/** A validated structured-mode event; throws with the field-level reason when the input is not valid. */
export function createLifecycleEvent(input: NewEvent): LifecycleEvent {
  const data: Record<string, unknown> = { user: input.user, ...input.extra };
  if (input.transfer_to) data.transfer_to = input.transfer_to;
  if (input.actions) data.actions = input.actions;
  if (input.reason !== undefined) data.reason = input.reason;
  if (input.requested_by !== undefined) data.requested_by = input.requested_by;
  const candidate = {
    specversion: '1.0',
    id: input.id ?? globalThis.crypto.randomUUID(),
    source: input.source,
    type: input.type,
    time: input.time ?? new Date().toISOString(),
    subject: subjectOf(input.user),
    datacontenttype: 'application/json',
    data,
  };
  const parsed = parseEventObject(candidate);
  if (!parsed.ok) throw new TypeError(describeParseError(parsed.error));
  return parsed.event;
}

/** The Kafka message key of an event: its user's most stable identifier, so one user's events stay in order. */
export function eventKey(event: LifecycleEvent): string {
  return userKey(event.data.user);
}
