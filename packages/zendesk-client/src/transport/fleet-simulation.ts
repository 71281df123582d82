// Test support, not exported: several consumer instances, each with its own RateGovernor, working through a
// deprovision flood against one simulated Zendesk account, in simulated time. The account counts calls the way
// the sandbox does (a sliding window: `ratelimit-reset` is the time until the oldest call leaves it), or as a
// fixed window; permanent deletes have their own bucket (`zendesk-ratelimit-permanent-delete`). Instances own
// partitions; a rebalance (an instance joining or leaving) pauses every partition, moves them, and gives every
// governor its new share, as the consumer does on a group join.
import { RateGovernor, type GovernorClock } from './governor.js';

export class SimulatedClock implements GovernorClock {
  private time = 0;
  private seq = 0;
  private readonly timers: Array<{ at: number; seq: number; resolve: () => void }> = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.push({ at: this.time + Math.max(0, ms), seq: this.seq++, resolve });
    });
  }

  /** Runs timers in time order, letting promise chains settle between them, until `done()` or nothing waits. */
  async run(done: () => boolean, limitMs = 3_600_000): Promise<void> {
    for (;;) {
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      if (done() || this.timers.length === 0) return;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.time = Math.max(this.time, next.at);
      if (this.time > limitMs) throw new Error(`simulation still running at ${limitMs} ms`);
      next.resolve();
    }
  }
}

/** A deterministic random source (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Window {
  private readonly hits: number[] = [];
  private start = 0;
  private count = 0;
  constructor(
    readonly max: number,
    readonly windowMs: number,
    readonly fixed: boolean,
  ) {}

  take(now: number): { ok: boolean; remaining: number; resetSeconds: number } {
    if (this.fixed) {
      if (now >= this.start + this.windowMs) {
        this.start = now - ((now - this.start) % this.windowMs);
        this.count = 0;
      }
      const resetSeconds = Math.max(1, Math.ceil((this.start + this.windowMs - now) / 1000));
      if (this.count >= this.max) return { ok: false, remaining: 0, resetSeconds };
      this.count++;
      return { ok: true, remaining: this.max - this.count, resetSeconds };
    }
    while (this.hits.length > 0 && this.hits[0]! <= now - this.windowMs) this.hits.shift();
    const reset = () =>
      this.hits.length === 0 ? 0 : Math.max(1, Math.ceil((this.hits[0]! + this.windowMs - now) / 1000));
    if (this.hits.length >= this.max) return { ok: false, remaining: 0, resetSeconds: reset() };
    this.hits.push(now);
    return { ok: true, remaining: this.max - this.hits.length, resetSeconds: reset() };
  }
}

export interface FloodOptions {
  instances: number;
  events: number;
  partitions?: number;
  rpm?: number;
  permanentPerMinute?: number;
  fixedWindow?: boolean;
  /** A rebalance at this time: one instance more (`join`) or one fewer (`leave`). */
  rebalance?: { atMs: number; change: 'join' | 'leave'; pauseMs?: number };
  /** Give the governors their share of the partitions on every rebalance (the consumer's hint). */
  hint?: boolean;
  seed?: number;
  /** Work of the consumer per event besides Zendesk (Kafka transaction, audit): mean ms (default 3). */
  eventMs?: number;
  /** Round trip of one call: mean ms (default 12). */
  callMs?: number;
}

export interface FloodResult {
  finishedMs: number;
  served: number;
  limited: number;
  /** The least time the account and permanent-delete limits allow for the calls served (sliding windows). */
  leastMs: number;
}

const EVENT_CALLS = [
  'GET users/:id',
  'GET tickets',
  'DELETE users/:id',
  'DELETE deleted_users/:id',
  'POST tickets',
];

/** Runs a deprovision flood (5 calls per event, one event at a time per partition) to its end. */
export async function simulateFlood(options: FloodOptions): Promise<FloodResult> {
  const clock = new SimulatedClock();
  const random = seeded(options.seed ?? 7);
  const rpm = options.rpm ?? 240;
  const permanentMax = options.permanentPerMinute ?? 70;
  const fixed = options.fixedWindow ?? false;
  const eventMs = options.eventMs ?? 3;
  const callMs = options.callMs ?? 12;
  const account = new Window(rpm, 60_000, fixed);
  const permanent = new Window(permanentMax, 60_000, fixed);
  const partitions = options.partitions ?? 6;
  const queues: number[] = Array.from(
    { length: partitions },
    (_, p) => Math.floor(options.events / partitions) + (p < options.events % partitions ? 1 : 0),
  );
  let left = options.events;
  let served = 0;
  let limited = 0;
  let finishedMs = 0;

  interface Instance {
    governor: RateGovernor;
    owned: Set<number>;
    active: boolean;
  }
  const instances: Instance[] = [];
  /** Partition -> the generation it was last assigned in (a worker of an older generation stops). */
  const generation = new Array<number>(partitions).fill(0);
  let paused = false;

  const call = async (governor: RateGovernor, key: string): Promise<void> => {
    for (;;) {
      await governor.beforeCall(key);
      // Half the round trip out, counted at arrival, half back.
      await clock.sleep((callMs / 2) * (0.5 + random()));
      const arrived = clock.now();
      const a = account.take(arrived);
      let status = 200;
      const headers: Record<string, string> = {};
      const buckets: Record<string, string> = {};
      if (!a.ok) {
        status = 429;
        headers['retry-after'] = String(a.resetSeconds);
      } else if (key === 'DELETE deleted_users/:id') {
        const p = permanent.take(arrived);
        buckets['permanent-delete'] =
          `total=${permanentMax}; remaining=${p.remaining}; resets=${p.resetSeconds}`;
        if (!p.ok) {
          status = 429;
          headers['retry-after'] = String(p.resetSeconds);
        }
      }
      headers['x-rate-limit'] = String(rpm);
      headers['x-rate-limit-remaining'] = String(a.remaining);
      headers['ratelimit-reset'] = String(a.resetSeconds);
      await clock.sleep((callMs / 2) * (0.5 + random()));
      if (status === 429) limited++;
      else served++;
      const retryAfter = governor.afterCall(status, (n) => headers[n] ?? null, key, buckets);
      if (status !== 429) return;
      await clock.sleep((retryAfter ?? 1) * 1000);
    }
  };

  const work = async (instance: Instance, p: number, gen: number): Promise<void> => {
    while (queues[p]! > 0 && instance.active && generation[p] === gen && !paused) {
      queues[p]!--;
      await clock.sleep(eventMs * (0.5 + random()));
      for (const key of EVENT_CALLS) await call(instance.governor, key);
      left--;
      if (left === 0) finishedMs = clock.now();
    }
  };

  const assign = () => {
    const members = instances.filter((i) => i.active);
    for (const m of members) m.owned.clear();
    for (let p = 0; p < partitions; p++) {
      generation[p]!++;
      members[p % members.length]!.owned.add(p);
    }
    for (const m of members) {
      if (options.hint ?? true) m.governor.setFleetShare(m.owned.size / partitions);
      for (const p of m.owned) void work(m, p, generation[p]!);
    }
  };

  const start = async (startup: boolean): Promise<Instance> => {
    const instance: Instance = {
      governor: new RateGovernor(undefined, undefined, { clock, random }),
      owned: new Set(),
      active: true,
    };
    // A consumer signs in and reads the account's roles before it joins the group.
    if (startup) for (const key of ['GET users/me', 'GET custom_roles']) await call(instance.governor, key);
    instances.push(instance);
    return instance;
  };

  for (let i = 0; i < options.instances; i++) await start(false).catch(() => undefined);
  // The group formed: the calls of start-up are not part of the flood.
  assign();
  if (options.rebalance) {
    const { atMs, change, pauseMs = 3000 } = options.rebalance;
    void (async () => {
      await clock.sleep(atMs);
      if (change === 'join') await start(true);
      else instances.find((i) => i.active)!.active = false;
      // The group rebalances: every partition stops (its event in hand finishes), then moves.
      paused = true;
      await clock.sleep(pauseMs);
      paused = false;
      assign();
    })();
  }
  await clock.run(() => left === 0);
  if (left > 0) throw new Error(`the flood stalled with ${left} events left`);
  const windowMs = (calls: number, max: number) => (calls <= max ? 0 : (Math.ceil(calls / max) - 1) * 60_000);
  return {
    finishedMs,
    served,
    limited,
    leastMs: Math.max(windowMs(served, rpm), windowMs(options.events, permanentMax)),
  };
}
