// Several instances, each with its own governor, sharing one account: simulated time, a simulated account counter
// (fleet-simulation.ts), the figures of the deprovision-flood benchmark (240 rpm, 70 permanent deletes a minute,
// 120 deprovisions of 5 calls each over 6 partitions).
import { describe, expect, it } from 'vitest';
import { FleetShare } from './fleet-share.js';
import { simulateFlood, type FloodOptions } from './fleet-simulation.js';

const flood = (options: Partial<FloodOptions> & { instances: number }) =>
  simulateFlood({ events: 120, ...options });

describe('the rate budget shared by a fleet', () => {
  for (const fixedWindow of [false, true]) {
    const kind = fixedWindow ? 'a fixed window' : 'a sliding window (the sandbox)';
    for (const instances of [1, 3, 6]) {
      const changes = instances === 1 ? (['join'] as const) : (['join', 'leave'] as const);
      for (const change of [undefined, ...changes]) {
        const what = change ? `, one instance ${change === 'join' ? 'joining' : 'leaving'} mid-flood` : '';
        it(`${instances} instance(s) in ${kind}${what}: at most 1.05x the least time, at most 0.5 % 429s`, async () => {
          for (const seed of [1, 2, 3]) {
            const result = await flood({
              instances,
              fixedWindow,
              seed,
              eventMs: 50,
              callMs: 20,
              ...(change ? { rebalance: { atMs: 40_000, change } } : {}),
            });
            expect(result.leastMs).toBe(120_000);
            expect(result.finishedMs / result.leastMs).toBeLessThanOrEqual(1.05);
            expect(result.limited / result.served).toBeLessThanOrEqual(0.005);
          }
        });
      }
    }
  }

  it('without the hint, still collects no 429s from a steady fleet (the answers show the others)', async () => {
    for (const instances of [3, 6]) {
      const result = await flood({ instances, hint: false, seed: 4, eventMs: 50, callMs: 20 });
      expect(result.finishedMs / result.leastMs).toBeLessThanOrEqual(1.05);
      expect(result.limited / result.served).toBeLessThanOrEqual(0.005);
    }
  });

  it('each instance spending as if alone (every share forced to 1) is what collects 429s', async () => {
    // The same flood with the estimate defeated: the control that shows the figures above are the sharing's.
    const original = FleetShare.prototype.share;
    FleetShare.prototype.share = () => 1;
    try {
      const result = await flood({ instances: 3, seed: 1, eventMs: 50, callMs: 20 });
      expect(result.limited / result.served).toBeGreaterThan(0.005);
    } finally {
      FleetShare.prototype.share = original;
    }
  });
});

describe('FleetShare', () => {
  it('takes the hint, bounded to (0, 1], and refuses nonsense', () => {
    const share = new FleetShare();
    expect(share.share()).toBe(1);
    share.setHint(2 / 6);
    expect(share.share()).toBeCloseTo(1 / 3);
    share.setHint(0);
    expect(share.share()).toBeGreaterThan(0);
    expect(share.share()).toBeLessThan(0.05);
    share.setHint(null);
    expect(share.share()).toBe(1);
    expect(() => share.setHint(-1)).toThrow(RangeError);
    expect(() => share.setHint(Number.NaN)).toThrow(RangeError);
  });

  it('estimates the others from how fast `remaining` falls against our own answers', () => {
    const share = new FleetShare();
    // Each of our answers shows the budget 3 lower: two other instances spend as fast as we do.
    let remaining = 600;
    for (let i = 0; i < 40; i++) share.observe((remaining -= 3));
    expect(share.instances()).toBeCloseTo(3, 0);
    expect(share.share()).toBeCloseTo(1 / 3, 1);
    // A hint larger than the estimate does not raise the share; a smaller one lowers it.
    share.setHint(1);
    expect(share.share()).toBeCloseTo(1 / 3, 1);
    share.setHint(1 / 6);
    expect(share.share()).toBeCloseTo(1 / 6);
  });

  it('ignores the rises of a reset or of freed slots, and comes back to 1 when alone again', () => {
    const share = new FleetShare();
    let remaining = 600;
    for (let i = 0; i < 40; i++) share.observe((remaining -= 3));
    share.observe(700);
    expect(share.instances()).toBeCloseTo(3, 0);
    remaining = 700;
    for (let i = 0; i < 80; i++) share.observe((remaining -= 1));
    expect(share.instances()).toBeLessThan(1.2);
  });

  it('counts one instance more after a 429 it did not foresee', () => {
    const share = new FleetShare();
    share.setHint(1 / 3);
    share.limited();
    expect(share.share()).toBeCloseTo(1 / 4);
  });
});
