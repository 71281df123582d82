// The records of the brake topic (compacted, read in one order from partition 0):
// - `tick:<uuid>`: one counted action {instance, action, weight, event_id, at}; a tombstone (null) removes it
//   (expired, or refunded because the action changed nothing);
// - `state`: {tripped: true, at, by_instance, tick, window_weight}: the latest trip (compaction keeps the latest);
// - `release:<uuid>`: {tripped: false, released_at, released_by, reason}, one record per release, so that a later
//   trip's `state` record never compacts a release away (a reader started afterwards would count the ticks from
//   before it again). Releases written by earlier versions under `state` are still read.
import { z } from 'zod';
import { ACTIONS, type BrakeEntry } from '@zendesk-lifecycle/core';

export const TICK_PREFIX = 'tick:';
export const STATE_KEY = 'state';
export const RELEASE_PREFIX = 'release:';

const tickValue = z.object({
  instance: z.string().min(1),
  action: z.enum(ACTIONS),
  weight: z.number().int().nonnegative(),
  event_id: z.string(),
  at: z.iso.datetime({ offset: true }),
});

const stateValue = z.discriminatedUnion('tripped', [
  z.object({
    tripped: z.literal(true),
    at: z.string(),
    by_instance: z.string(),
    tick: z.string(),
    window_weight: z.number(),
  }),
  z.object({
    tripped: z.literal(false),
    released_at: z.string(),
    released_by: z.string(),
    reason: z.string(),
  }),
]);

export type TickValue = z.infer<typeof tickValue>;

/** The ledger entry of a brake record; null for a record that is not one (ignored, never fatal). */
export function entryOf(key: string | null, value: Buffer | null): BrakeEntry | null {
  if (key === null) return null;
  if (key.startsWith(TICK_PREFIX)) {
    const id = key.slice(TICK_PREFIX.length);
    if (value === null) return { kind: 'tombstone', id };
    const parsed = tickValue.safeParse(parseJson(value));
    return parsed.success ? { kind: 'tick', tick: { id, ...parsed.data } } : null;
  }
  if ((key === STATE_KEY || key.startsWith(RELEASE_PREFIX)) && value !== null) {
    const parsed = stateValue.safeParse(parseJson(value));
    return parsed.success ? { kind: 'state', state: parsed.data } : null;
  }
  return null;
}

function parseJson(value: Buffer): unknown {
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
}
