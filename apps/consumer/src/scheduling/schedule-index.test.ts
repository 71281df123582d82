// The index of waiting steps, without Kafka: what is due, what a re-hire marker cancels, what is counted.
import { describe, expect, it } from 'vitest';
import { cancelMarkerId, decodeScheduledRecord, scheduledPartition, type ScheduledEntry } from './entries.js';
import { firingHeaders, firingOf } from './firing.js';
import { ScheduleIndex } from './schedule-index.js';

const entry = (over: Partial<ScheduledEntry> = {}): ScheduledEntry => ({
  kind: 'purge',
  due_at: '2026-12-08T12:00:00.000Z',
  created_at: '2026-12-01T12:00:00.000Z',
  user: { key: 'id:10', ref: { id: 10 }, zendesk_id: 10 },
  event: {
    id: 'e-1',
    source: 'hr',
    type: 'lifecycle.offboarding.v1',
    key: 'id:10',
    value: '{}',
    headers: {},
  },
  reason: 'permanent delete 7 days after the soft delete',
  ...over,
});
const rec = (key: string, value: unknown) =>
  decodeScheduledRecord(key, value === null ? null : JSON.stringify(value));
const at = (iso: string) => new Date(iso);

describe('the schedule index', () => {
  it('fires nothing before the partition is read to its end, then what is due, once', () => {
    const index = new ScheduleIndex();
    index.apply(0, '0', rec('purge:k1', entry()));
    index.apply(
      0,
      '1',
      rec('effective:d2', entry({ kind: 'effective', due_at: '2026-12-20T00:00:00.000Z' })),
    );
    const later = at('2026-12-09T00:00:00Z');
    expect(index.firings(later)).toEqual([]);
    index.markCaughtUp(0);
    expect(index.firings(at('2026-12-08T11:59:59Z'))).toEqual([]);
    expect(index.firings(later).map((f) => [f.id, f.phase])).toEqual([['purge:k1', 'due']]);
    expect(index.counts(later)).toContainEqual({ kind: 'purge', state: 'overdue', count: 1 });
    expect(index.counts(later)).toContainEqual({ kind: 'effective', state: 'waiting', count: 1 });
    index.markFired('purge:k1');
    expect(index.firings(later)).toEqual([]);
    index.apply(0, '2', rec('purge:k1', null));
    expect(index.list().map((e) => e.id)).toEqual(['effective:d2']);
  });

  it('cancels at once what a re-hire marker newer than the entry calls off, and leaves newer entries alone', () => {
    const index = new ScheduleIndex();
    index.apply(1, '0', rec('purge:old', entry()));
    index.apply(
      1,
      '1',
      rec(cancelMarkerId('id:10'), { by_event_id: 'r-1', at: '2026-12-03T09:00:00.000Z', reason: 'back' }),
    );
    index.apply(1, '2', rec('purge:new', entry({ created_at: '2026-12-04T00:00:00.000Z' })));
    index.apply(
      1,
      '3',
      rec('purge:other', entry({ user: { key: 'id:11', ref: { id: 11 }, zendesk_id: 11 } })),
    );
    index.markCaughtUp(1);
    const firings = index.firings(at('2026-12-03T10:00:00Z'));
    expect(firings.map((f) => [f.id, f.phase, f.marker?.by_event_id])).toEqual([
      ['purge:old', 'cancel', 'r-1'],
    ]);
  });

  it('forgets the partitions no longer assigned and waits to read the kept ones again', () => {
    const index = new ScheduleIndex();
    index.apply(0, '0', rec('purge:a', entry()));
    index.apply(1, '0', rec('purge:b', entry()));
    index.markCaughtUp(0);
    index.markCaughtUp(1);
    index.assign([1]);
    expect(index.list().map((e) => e.id)).toEqual(['purge:b']);
    expect(index.firings(at('2027-01-01T00:00:00Z'))).toEqual([]);
    index.markCaughtUp(1);
    expect(index.firings(at('2027-01-01T00:00:00Z')).map((f) => f.id)).toEqual(['purge:b']);
  });

  it('fires nothing of a partition marked behind (its producer failed) until it is read to its end again', () => {
    const index = new ScheduleIndex();
    index.apply(0, '0', rec('purge:k1', entry()));
    index.markCaughtUp(0);
    const later = at('2026-12-09T00:00:00Z');
    expect(index.isCaughtUp(0)).toBe(true);
    index.markBehind(0);
    expect(index.isCaughtUp(0)).toBe(false);
    expect(index.firings(later)).toEqual([]);
    index.markCaughtUp(0);
    expect(index.firings(later).map((f) => f.id)).toEqual(['purge:k1']);
  });

  it('ignores records that are not entries, and places a user always in the same partition', () => {
    expect(decodeScheduledRecord('purge:x', '{"kind":"purge"}').kind).toBe('invalid');
    expect(decodeScheduledRecord(null, '{}').kind).toBe('invalid');
    expect(decodeScheduledRecord('cancel:id:1', 'nope').kind).toBe('invalid');
    expect(scheduledPartition('id:10', 6)).toBe(scheduledPartition('id:10', 6));
    const spread = new Set(Array.from({ length: 50 }, (_, i) => scheduledPartition(`id:${i}`, 6)));
    expect(spread.size).toBe(6);
  });

  it('round-trips a firing through its headers', () => {
    const index = new ScheduleIndex();
    index.apply(0, '0', rec('purge:k', entry()));
    index.apply(
      0,
      '1',
      rec(cancelMarkerId('id:10'), { by_event_id: 'r-1', at: '2026-12-02T00:00:00.000Z', reason: 'back' }),
    );
    index.markCaughtUp(0);
    const [firing] = index.firings(at('2026-12-02T00:00:01Z'));
    const headers = Object.fromEntries(
      Object.entries(firingHeaders(firing!)).map(([k, v]) => [k, String(v)]),
    );
    expect(firingOf(headers)).toMatchObject({
      phase: 'cancel',
      kind: 'purge',
      entryId: 'purge:k',
      zendeskUserId: 10,
    });
    expect(firingOf(headers)?.reason).toMatch(/r-1/);
    expect(firingOf({ 'scheduled-phase': 'due' })).toBeUndefined();
  });
});
