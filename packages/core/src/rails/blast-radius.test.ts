import { describe, expect, it } from 'vitest';
import { defaultPolicy, parsePolicy } from '../policy/policy.js';
import { BrakeLedger, InMemoryBrake, weightOf, type BrakeTick } from './blast-radius.js';

const T0 = Date.parse('2026-11-24T12:00:00Z');
const settings = { window_seconds: 60, max_weight: 10, weights: {} };
let n = 0;
const tick = (weight: number, atSeconds: number, instance = 'a'): BrakeTick => ({
  id: `t${(n += 1)}`,
  instance,
  action: 'suspend',
  weight,
  event_id: `e${n}`,
  at: new Date(T0 + atSeconds * 1000).toISOString(),
});
const release = { tripped: false as const, released_at: 'x', released_by: 'ops', reason: 'checked' };

describe('the brake ledger', () => {
  it('admits up to max_weight in the window; the tick that would go over trips it, every later one is held', () => {
    const ledger = new BrakeLedger(settings);
    const verdicts = [4, 4, 2, 1, 1].map((w, i) => ledger.apply({ kind: 'tick', tick: tick(w, i) })?.verdict);
    expect(verdicts).toEqual(['admitted', 'admitted', 'admitted', 'trips', 'held']);
    expect(ledger.tripped).toMatchObject({ tripped: true, window_weight: 11, by_instance: 'a' });
    expect(ledger.windowWeight(new Date(T0 + 5000)).total).toBe(10);
  });

  it('gives every reader of the same log the same verdicts: exactly one tick trips', () => {
    const log = Array.from({ length: 30 }, (_, i) => tick(1 + (i % 3), i % 7, `i${i % 3}`));
    const readers = [new BrakeLedger(settings), new BrakeLedger(settings), new BrakeLedger(settings)];
    const seen = readers.map((r) => log.map((t) => r.apply({ kind: 'tick', tick: t })!.verdict));
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual(seen[0]);
    expect(seen[0]!.filter((v) => v === 'trips')).toHaveLength(1);
  });

  it('counts every admitted tick before it in the log, whatever its clock says (ticks land out of time order)', () => {
    // Instances stamp ticks before writing them; the log's order is the broker's, so a tick stamped earlier can land
    // after one stamped later. It still counts that one: the log decides, the stamps only age ticks out.
    const ledger = new BrakeLedger(settings);
    expect(ledger.apply({ kind: 'tick', tick: tick(6, 5) })?.verdict).toBe('admitted');
    expect(ledger.apply({ kind: 'tick', tick: tick(4, 3) })?.verdict).toBe('admitted');
    expect(ledger.apply({ kind: 'tick', tick: tick(1, 2) })?.verdict).toBe('trips');
    expect(ledger.tripped).toMatchObject({ window_weight: 11 });
  });

  it('counts only the window: ticks older than window_seconds weigh nothing', () => {
    const ledger = new BrakeLedger(settings);
    ledger.apply({ kind: 'tick', tick: tick(8, 0) });
    expect(ledger.apply({ kind: 'tick', tick: tick(8, 61) })?.verdict).toBe('admitted');
    expect(ledger.apply({ kind: 'tick', tick: tick(3, 62) })?.verdict).toBe('trips');
  });

  it('stays tripped however old the ticks get, until a release; then counts afresh', () => {
    const ledger = new BrakeLedger(settings);
    ledger.apply({ kind: 'tick', tick: tick(11, 0) });
    expect(ledger.tripped).not.toBeNull();
    expect(ledger.apply({ kind: 'tick', tick: tick(1, 3600) })?.verdict).toBe('held');
    expect(ledger.expired(new Date(T0 + 7_200_000))).toEqual([]);
    ledger.apply({ kind: 'state', state: release });
    expect(ledger.tripped).toBeNull();
    expect(ledger.apply({ kind: 'tick', tick: tick(10, 3601) })?.verdict).toBe('admitted');
    expect(ledger.released).toMatchObject({ released_by: 'ops' });
  });

  it('does not count ticks from before a release, even inside the window, and lets them be removed', () => {
    const ledger = new BrakeLedger(settings);
    const before = tick(9, 0);
    ledger.apply({ kind: 'tick', tick: before });
    ledger.apply({ kind: 'state', state: release });
    expect(ledger.apply({ kind: 'tick', tick: tick(9, 1) })?.verdict).toBe('admitted');
    expect(ledger.expired(new Date(T0 + 2000)).map((t) => t.id)).toEqual([before.id]);
  });

  it('holds on a recorded trip alone (its ticks removed), and ignores a trip recorded for a tick released since', () => {
    const restarted = new BrakeLedger(settings);
    restarted.apply({
      kind: 'state',
      state: { tripped: true, at: 'x', by_instance: 'b', tick: 'gone', window_weight: 12 },
    });
    expect(restarted.apply({ kind: 'tick', tick: tick(1, 0) })?.verdict).toBe('held');
    const late = new BrakeLedger(settings);
    const over = tick(11, 0);
    late.apply({ kind: 'tick', tick: over });
    late.apply({ kind: 'state', state: release });
    late.apply({
      kind: 'state',
      state: { tripped: true, at: over.at, by_instance: 'a', tick: over.id, window_weight: 11 },
    });
    expect(late.tripped).toBeNull();
    // The same once compaction removed the tick (ticks before a release are tombstoned): the trip's time says it
    // came before the release.
    const compacted = new BrakeLedger(settings);
    const releasedAt = new Date(T0 + 10_000).toISOString();
    compacted.apply({ kind: 'state', state: { ...release, released_at: releasedAt } });
    compacted.apply({
      kind: 'state',
      state: { tripped: true, at: tick(11, 5).at, by_instance: 'a', tick: 'gone', window_weight: 11 },
    });
    expect(compacted.tripped).toBeNull();
    compacted.apply({
      kind: 'state',
      state: { tripped: true, at: tick(11, 20).at, by_instance: 'a', tick: 'gone-too', window_weight: 11 },
    });
    expect(compacted.tripped).toMatchObject({ tick: 'gone-too' });
  });

  it('forgets a refunded (tombstoned) tick, and lists expired ticks per instance', () => {
    const ledger = new BrakeLedger(settings);
    const refunded = tick(9, 0);
    ledger.apply({ kind: 'tick', tick: refunded });
    ledger.apply({ kind: 'tombstone', id: refunded.id });
    expect(ledger.apply({ kind: 'tick', tick: tick(9, 1, 'b') })?.verdict).toBe('admitted');
    expect(ledger.expired(new Date(T0 + 120_000), 'a')).toEqual([]);
    expect(ledger.expired(new Date(T0 + 120_000), 'b')).toHaveLength(1);
  });
});

describe('the in-memory brake', () => {
  it('admits without counting what weighs nothing, trips once, holds until released', async () => {
    const clock = { now: () => new Date(T0) };
    const brake = new InMemoryBrake(settings, { clock, retryAfterMs: 1000 });
    const ask = (weight: number) =>
      brake.admit({ action: 'deprovision', weight, event_id: 'e', idempotency_key: 'k' });
    expect(await ask(0)).toEqual({ admitted: true });
    expect(await ask(10)).toMatchObject({ admitted: true, ticket: expect.any(String) });
    expect(await ask(1)).toMatchObject({ admitted: false, retryAfterMs: 1000 });
    expect(await ask(0)).toMatchObject({ admitted: false });
    brake.release('ops', 'ok');
    expect(await ask(1)).toMatchObject({ admitted: true });
  });

  it('gives back a refunded action, but nothing while tripped (the ticks are the evidence)', async () => {
    const brake = new InMemoryBrake(settings, { clock: { now: () => new Date(T0) } });
    const first = await brake.admit({
      action: 'deprovision',
      weight: 6,
      event_id: 'e',
      idempotency_key: 'k',
    });
    await brake.refund(first.admitted ? first.ticket! : '');
    const kept = await brake.admit({ action: 'deprovision', weight: 6, event_id: 'e', idempotency_key: 'k' });
    expect(brake.ledger.windowWeight(new Date(T0)).total).toBe(6);
    expect(brake.held()).toBeNull();
    await brake.admit({ action: 'deprovision', weight: 6, event_id: 'f', idempotency_key: 'l' });
    expect(brake.held()).toMatchObject({ admitted: false });
    await brake.refund(kept.admitted ? kept.ticket! : '');
    expect(brake.ledger.size).toBe(2);
  });
});

describe('the blast_radius policy', () => {
  it('weighs every action, defaults merged with the policy', () => {
    const policy = defaultPolicy();
    expect(policy.blast_radius).toMatchObject({ window_seconds: 3600, max_weight: 250 });
    expect(policy.blast_radius.weights).toEqual({
      deprovision: 10,
      purge: 10,
      downgrade: 3,
      suspend: 2,
      transfer_data: 1,
      unsuspend: 1,
      restore: 1,
    });
    const custom = parsePolicy({ blast_radius: { max_weight: 40, weights: { suspend: 0 } } }).blast_radius;
    expect([weightOf(custom, 'suspend'), weightOf(custom, 'deprovision')]).toEqual([0, 10]);
    expect(weightOf({ ...custom, weights: {} }, 'downgrade')).toBe(3);
  });

  it('refuses the old shape and negative weights with the field named', () => {
    expect(() => parsePolicy({ blast_radius: { max_actions: 25 } })).toThrow(/max_actions/);
    expect(() => parsePolicy({ blast_radius: { weights: { suspend: -1 } } })).toThrow(/weights.suspend/);
    expect(() => parsePolicy({ blast_radius: { weights: { fly: 1 } } })).toThrow(/weights/);
  });
});
