// The records of the scheduled-steps topic (compacted): an entry waiting for its time, keyed by its id; a tombstone
// (null value) once it fired or was cancelled; and a user's cancellation marker, written when a re-hire of that user
// is processed. Every record of one user goes to the same partition (a stable hash of core's user key), so one
// scheduler instance sees a user's entries and markers together.
import { z } from 'zod';
import { sha256Hex, userRefSchema } from '@zendesk-lifecycle/core';

export const ENTRY_KINDS = ['effective', 'purge'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

const isoTime = z.iso.datetime({ offset: true });

export const scheduledEntrySchema = z.object({
  kind: z.enum(ENTRY_KINDS),
  due_at: isoTime,
  created_at: isoTime,
  /** Core's user key (events/user-key.ts), the event's reference, and the Zendesk id when known. */
  user: z.object({ key: z.string().min(1), ref: userRefSchema, zendesk_id: z.number().int().nullable() }),
  /** The original event: its Kafka key, its value (the CloudEvent JSON) and its headers, to run it again. */
  event: z.object({
    id: z.string(),
    source: z.string(),
    type: z.string(),
    key: z.string().nullable(),
    value: z.string(),
    headers: z.record(z.string(), z.string()),
  }),
  /** Why it waits, in a sentence ("effective at ...", "purge 7 days after the soft delete"). */
  reason: z.string(),
});
export type ScheduledEntry = z.infer<typeof scheduledEntrySchema>;

export const cancelMarkerSchema = z.object({
  by_event_id: z.string(),
  at: isoTime,
  reason: z.string(),
});
export type CancelMarker = z.infer<typeof cancelMarkerSchema>;

export const purgeEntryId = (deprovisionStepKey: string) => `purge:${deprovisionStepKey}`;
export const effectiveEntryId = (eventDigest: string) => `effective:${eventDigest}`;
export const cancelMarkerId = (userKey: string) => `cancel:${userKey}`;

/** The partition of the scheduled topic for a user: the first 48 bits of SHA-256 of the user key, modulo. */
export function scheduledPartition(userKey: string, partitions: number): number {
  return Number.parseInt(sha256Hex(userKey).slice(0, 12), 16) % Math.max(1, partitions);
}

/** A write to the scheduled topic asked for by the pipeline: the record's key, its user, and value (null: tombstone). */
export interface ScheduleWrite {
  key: string;
  userKey: string;
  value: string | null;
}

export type ScheduledRecord =
  | { kind: 'entry'; id: string; entry: ScheduledEntry }
  | { kind: 'marker'; id: string; userKey: string; marker: CancelMarker }
  | { kind: 'tombstone'; id: string }
  | { kind: 'invalid'; id: string | null; error: string };

/** Reads one record of the scheduled topic; anything not ours is `invalid` (ignored, logged). */
export function decodeScheduledRecord(key: string | null, value: string | null): ScheduledRecord {
  if (!key) return { kind: 'invalid', id: null, error: 'a record without a key' };
  if (value === null) return { kind: 'tombstone', id: key };
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return { kind: 'invalid', id: key, error: 'the value is not JSON' };
  }
  if (key.startsWith('cancel:')) {
    const marker = cancelMarkerSchema.safeParse(json);
    return marker.success
      ? { kind: 'marker', id: key, userKey: key.slice('cancel:'.length), marker: marker.data }
      : { kind: 'invalid', id: key, error: marker.error.message };
  }
  const entry = scheduledEntrySchema.safeParse(json);
  return entry.success
    ? { kind: 'entry', id: key, entry: entry.data }
    : { kind: 'invalid', id: key, error: entry.error.message };
}
