// The rate governor's bookkeeping: account budget, endpoint budgets learned from Zendesk's headers, 429 scope.
import { describe, expect, it } from 'vitest';
import { RateGovernor } from './governor.js';
import { endpointKey } from './transport.js';

const headers =
  (values: Record<string, string>) =>
  (name: string): string | null =>
    values[name.toLowerCase()] ?? null;

/** Whether `beforeCall` lets the call go within `ms` (false: the governor holds it back). */
async function goesWithin(governor: RateGovernor, key: string, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const held = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  const went = await Promise.race([governor.beforeCall(key).then(() => true as const), held]);
  clearTimeout(timer);
  return went;
}

describe('rate governor', () => {
  it('holds every call after an account-wide 429 until Retry-After', async () => {
    const governor = new RateGovernor();
    governor.afterCall(429, headers({ 'retry-after': '30' }), 'GET users');
    expect(await goesWithin(governor, 'GET users', 50)).toBe(false);
    expect(await goesWithin(governor, 'POST tickets', 50)).toBe(false);
    expect(governor.stats.rateLimited).toBe(1);
  });

  it('holds back only the endpoint whose own limit answered 429', async () => {
    const governor = new RateGovernor();
    governor.afterCall(429, headers({ 'retry-after': '30' }), 'DELETE deleted_users/:id', {
      'permanent-delete': 'total=700; remaining=0; resets=30',
    });
    expect(await goesWithin(governor, 'DELETE deleted_users/:id', 50)).toBe(false);
    expect(await goesWithin(governor, 'GET users', 50)).toBe(true);
  });

  it('follows the endpoint budget Zendesk reports, shared with other clients, instead of its own count', async () => {
    const governor = new RateGovernor({ 'DELETE deleted_users/:id': { max: 700, windowMs: 600_000 } });
    // Other clients have used the budget: one call is left, and the next slot frees in 30 s.
    governor.afterCall(200, headers({}), 'DELETE deleted_users/:id', {
      'permanent-delete': 'total=700; remaining=1; resets=30',
    });
    expect(await goesWithin(governor, 'DELETE deleted_users/:id', 50)).toBe(true);
    expect(await goesWithin(governor, 'DELETE deleted_users/:id', 50)).toBe(false);
  });

  it('lets one call through when the reported slot frees, and learns the budget again from its answer', async () => {
    const governor = new RateGovernor();
    governor.afterCall(200, headers({}), 'DELETE deleted_users/:id', {
      'permanent-delete': 'total=2; remaining=0; resets=1',
    });
    expect(await goesWithin(governor, 'DELETE deleted_users/:id', 1500)).toBe(true);
    expect(await goesWithin(governor, 'DELETE deleted_users/:id', 300)).toBe(false);
    governor.afterCall(200, headers({}), 'DELETE deleted_users/:id', {
      'permanent-delete': 'total=2; remaining=1; resets=1',
    });
    expect(await goesWithin(governor, 'DELETE deleted_users/:id', 50)).toBe(true);
  });

  it('starts a budget for an endpoint limit it did not know about', async () => {
    const governor = new RateGovernor({});
    governor.afterCall(200, headers({}), 'GET tickets', {
      'tickets-index': 'total=100; remaining=0; resets=40',
    });
    expect(await goesWithin(governor, 'GET tickets', 50)).toBe(false);
    expect(await goesWithin(governor, 'GET users', 50)).toBe(true);
  });

  it('spaces the last share of the account budget evenly, without spending it on waiting', async () => {
    const governor = new RateGovernor({}, 0.2);
    // 100 per window, 3 left (inside the 20 % reserve), the window resets in 1.5 s: the first call goes at once,
    // the other two are spread over what is left of the window.
    governor.afterCall(
      200,
      headers({ 'x-rate-limit': '100', 'x-rate-limit-remaining': '3', 'ratelimit-reset': '1.5' }),
      'GET users',
    );
    const start = Date.now();
    const went = await Promise.all(
      [0, 1, 2].map(async () => {
        await governor.beforeCall('GET users');
        return Date.now() - start;
      }),
    );
    went.sort((a, b) => a - b);
    expect(went[0]).toBeLessThan(150);
    expect(went[1]! - went[0]!).toBeGreaterThanOrEqual(400);
    expect(went[2]).toBeLessThan(1700);
  });

  it('after a reset, does not let a call held back by an endpoint limit stall every other call', async () => {
    const governor = new RateGovernor();
    // The account window has reset (0 s); the permanent-delete budget is spent until its slot frees in 1 s.
    governor.afterCall(
      200,
      headers({ 'x-rate-limit': '100', 'x-rate-limit-remaining': '50', 'ratelimit-reset': '0.001' }),
      'DELETE deleted_users/:id',
      { 'permanent-delete': 'total=2; remaining=0; resets=1' },
    );
    await new Promise((r) => setTimeout(r, 10));
    const held = governor.beforeCall('DELETE deleted_users/:id');
    expect(await goesWithin(governor, 'GET users', 300)).toBe(true);
    governor.afterCall(200, headers({ 'x-rate-limit': '100', 'x-rate-limit-remaining': '49' }), 'GET users');
    const deleted = await Promise.race([
      held.then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), 2500)),
    ]);
    expect(deleted).toBe(true);
  });

  it('ignores an endpoint header it cannot read', async () => {
    const governor = new RateGovernor();
    governor.afterCall(200, headers({}), 'DELETE deleted_users/:id', { 'permanent-delete': 'garbage' });
    expect(await goesWithin(governor, 'DELETE deleted_users/:id', 50)).toBe(true);
  });

  // docs/zendesk-rules.md §7 (S4): endpoint buckets are named by the header, e.g. `zendesk-ratelimit-tickets-index`.
  describe('endpoint buckets, keyed by the name in the header', () => {
    const requested = 'GET users/:id/tickets/requested';

    it('holds every endpoint that drew from a spent bucket, and none that did not', async () => {
      const governor = new RateGovernor({});
      governor.afterCall(200, headers({}), requested, {
        'tickets-index': 'total=100; remaining=5; resets=40',
      });
      governor.afterCall(200, headers({}), 'GET users', {});
      // Another endpoint reports the same bucket spent: the first one, which shares it, waits too.
      governor.afterCall(200, headers({}), 'GET tickets', {
        'tickets-index': 'total=100; remaining=0; resets=40',
      });
      expect(await goesWithin(governor, requested, 50)).toBe(false);
      expect(await goesWithin(governor, 'GET tickets', 50)).toBe(false);
      // Same first path segment as `requested`, different endpoint: no bleeding across.
      expect(await goesWithin(governor, 'GET users', 50)).toBe(true);
      expect(await goesWithin(governor, 'GET users/:id', 50)).toBe(true);
    });

    it('remembers the bucket of an endpoint, so its next call waits on it before any answer', async () => {
      const governor = new RateGovernor({});
      governor.afterCall(200, headers({}), 'PUT tickets/:id', {
        'update-ticket': 'total=100; remaining=1; resets=30',
      });
      expect(await goesWithin(governor, 'PUT tickets/:id', 50)).toBe(true);
      // No answer yet: the last slot is taken by the call in flight.
      expect(await goesWithin(governor, 'PUT tickets/:id', 50)).toBe(false);
      expect(await goesWithin(governor, 'PUT users/:id', 50)).toBe(true);
    });

    it('waits on every bucket an endpoint draws from', async () => {
      const governor = new RateGovernor({});
      governor.afterCall(200, headers({}), 'GET tickets', {
        'tickets-index': 'total=100; remaining=50; resets=40',
        'incremental-exports': 'total=10; remaining=0; resets=40',
      });
      expect(await goesWithin(governor, 'GET tickets', 50)).toBe(false);
    });

    it('treats a 429 whose buckets are not spent as the account limit, holding every call', async () => {
      const governor = new RateGovernor({});
      governor.afterCall(429, headers({ 'retry-after': '30' }), 'GET tickets', {
        'tickets-index': 'total=100; remaining=57; resets=40',
      });
      expect(await goesWithin(governor, 'GET users', 50)).toBe(false);
      expect(await goesWithin(governor, 'DELETE deleted_users/:id', 50)).toBe(false);
    });

    it('holds every call when a 429 reports the account budget spent as well as the bucket', async () => {
      const governor = new RateGovernor({});
      governor.afterCall(
        429,
        headers({ 'retry-after': '30', 'x-rate-limit': '700', 'x-rate-limit-remaining': '0' }),
        'GET tickets',
        { 'tickets-index': 'total=100; remaining=0; resets=40' },
      );
      expect(await goesWithin(governor, 'GET users', 50)).toBe(false);
    });

    it('gives a known limit the bucket name Zendesk reports, keeping its count', async () => {
      const governor = new RateGovernor({ 'DELETE deleted_users/:id': { max: 1, windowMs: 60_000 } });
      await governor.beforeCall('DELETE deleted_users/:id');
      governor.afterCall(200, headers({}), 'DELETE deleted_users/:id', {
        'permanent-delete': 'total=1; remaining=0; resets=60',
      });
      expect(await goesWithin(governor, 'DELETE deleted_users/:id', 50)).toBe(false);
      // A 429 on that bucket still holds back that endpoint only.
      governor.afterCall(429, headers({ 'retry-after': '30' }), 'DELETE deleted_users/:id', {
        'permanent-delete': 'total=1; remaining=0; resets=60',
      });
      expect(await goesWithin(governor, 'GET users', 50)).toBe(true);
    });

    it('keys endpoints by method and path, ids and query left out', () => {
      expect(endpointKey('DELETE', 'http://x/api/v2/deleted_users/12.json')).toBe('DELETE deleted_users/:id');
      expect(endpointKey('GET', 'http://x/api/v2/users/12/tickets/requested.json?page%5Bsize%5D=100')).toBe(
        requested,
      );
      expect(endpointKey('PUT', 'http://x/api/v2/tickets/update_many.json?ids=1,2')).toBe(
        'PUT tickets/update_many',
      );
      expect(endpointKey('GET', 'http://x/api/v2/users.json')).toBe('GET users');
    });
  });
});
