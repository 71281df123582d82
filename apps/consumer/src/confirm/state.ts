// What the closed loop waits for, as records of its compacted topic (TOPIC_EXPECTED), and the index every instance
// rebuilds from them on start. Kafka is the only store: a record per key, a tombstone once it is decided.
//   exp:<audit key>            a succeeded step waiting for Zendesk to report it (owned by its results partition)
//   removed:<zendesk user id>  what our pipeline last removed from the user (tombstoned by our own re-hire)
//   seen:<user id>:<event id>  a Zendesk event that may confirm a step or be drift (owned by its user-events partition)
import { z } from 'zod';
import { ACTIONS, EVENT_TYPES } from '@zendesk-lifecycle/core';
import type { Expectation, ReadUserEvent, Removal } from '@zendesk-lifecycle/core';

const sourceEvent = z.object({ id: z.string(), source: z.string(), type: z.string() });

const expectedStateSchema = z.union([
  z.object({ field: z.literal('role'), staff: z.boolean() }),
  z.object({ field: z.literal('suspended'), value: z.boolean() }),
  z.object({ field: z.literal('active'), value: z.boolean() }),
]);

export const expectationRecordSchema = z.object({
  kind: z.literal('expectation'),
  user_id: z.number().int(),
  expectation: z.object({ action: z.enum(ACTIONS), any: z.array(expectedStateSchema) }),
  step: z.object({
    index: z.number().int(),
    action: z.enum(ACTIONS),
    audit_key: z.string(),
    audit_ticket_id: z.number().int().nullable(),
    /** When the step started: a Zendesk event older than that (less a minute of clock skew) is not its own. */
    started_at: z.string(),
  }),
  source_event: sourceEvent,
  result_id: z.string(),
  /** When the result was written, and when the step is read back if Zendesk has not reported it by then. */
  succeeded_at: z.string(),
  due_at: z.string(),
  /** The results partition the step came from: the member assigned it decides (one decision per step). */
  owner_partition: z.number().int(),
});
export type ExpectationRecord = z.infer<typeof expectationRecordSchema> & { expectation: Expectation };

export const removalRecordSchema = z.object({
  kind: z.literal('removal'),
  user_id: z.number().int(),
  removal: z.object({ at: z.string(), actions: z.array(z.enum(ACTIONS)), source_event: sourceEvent }),
});
export type RemovalRecord = z.infer<typeof removalRecordSchema> & { removal: Removal };

export const seenRecordSchema = z.object({
  kind: z.literal('seen'),
  /** Zendesk's event in our words (core's userChangeOf), and its type. */
  event: z.object({
    event_id: z.string(),
    user_id: z.number().int(),
    time: z.string(),
    role: z.string().nullable(),
    change: z.record(z.string(), z.unknown()),
  }),
  type: z.string(),
  /** Who made the change, when Zendesk says; null otherwise. */
  actor: z.string().nullable(),
  seen_at: z.string(),
  /** The user-events partition it came from: the member assigned it judges drift. */
  owner_partition: z.number().int(),
});
export type SeenRecord = Omit<z.infer<typeof seenRecordSchema>, 'event'> & { event: ReadUserEvent };

export type StateRecord = ExpectationRecord | RemovalRecord | SeenRecord;

const stateRecordSchema = z.discriminatedUnion('kind', [
  expectationRecordSchema,
  removalRecordSchema,
  seenRecordSchema,
]);

export const expectationKey = (auditKey: string) => `exp:${auditKey}`;
export const removalKey = (userId: number) => `removed:${userId}`;
export const seenKey = (userId: number, eventId: string) => `seen:${userId}:${eventId}`;

/** A record of the topic: a value, a tombstone (null), or something else (warned about, skipped). */
export function decodeState(
  key: string | null,
  value: string | null,
): { kind: 'put'; key: string; record: StateRecord } | { kind: 'delete'; key: string } | { kind: 'invalid' } {
  if (key === null) return { kind: 'invalid' };
  if (value === null) return { kind: 'delete', key };
  try {
    const parsed = stateRecordSchema.safeParse(JSON.parse(value));
    return parsed.success ? { kind: 'put', key, record: parsed.data as StateRecord } : { kind: 'invalid' };
  } catch {
    return { kind: 'invalid' };
  }
}

/** Whether a type names a lifecycle event a removal can be re-applied under. */
export const isLifecycleType = (type: string): type is (typeof EVENT_TYPES)[number] =>
  (EVENT_TYPES as readonly string[]).includes(type);

/** The index: the latest record per key. Applying a record twice changes nothing. */
export class ExpectedState {
  readonly expectations = new Map<string, ExpectationRecord>();
  readonly removals = new Map<number, RemovalRecord>();
  readonly seen = new Map<string, SeenRecord>();

  apply(key: string, record: StateRecord | null): void {
    this.expectations.delete(key);
    this.seen.delete(key);
    if (key.startsWith('removed:')) this.removals.delete(Number(key.slice('removed:'.length)));
    if (record === null) return;
    if (record.kind === 'expectation') this.expectations.set(key, record);
    else if (record.kind === 'seen') this.seen.set(key, record);
    else this.removals.set(record.user_id, record);
  }

  /** The waiting events of a user, oldest first. */
  seenOf(userId: number): Array<[string, SeenRecord]> {
    return [...this.seen.entries()]
      .filter(([, s]) => s.event.user_id === userId)
      .sort(([, a], [, b]) => Date.parse(a.event.time) - Date.parse(b.event.time));
  }

  /** The steps of a user waiting for Zendesk, oldest first. */
  expectationsOf(userId: number): Array<[string, ExpectationRecord]> {
    return [...this.expectations.entries()]
      .filter(([, e]) => e.user_id === userId)
      .sort(([, a], [, b]) => Date.parse(a.succeeded_at) - Date.parse(b.succeeded_at));
  }
}
