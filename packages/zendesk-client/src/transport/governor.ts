// A rate governor shared by every call of one client. It reads Zendesk's rate-limit headers and spaces the
// remaining budget over the rest of the window, so that several replicas sharing an account slow down together
// before Zendesk starts answering 429; after an account-wide 429 every call waits for Retry-After. Endpoint limits
// have their own budgets, one per bucket that Zendesk names in `zendesk-ratelimit-<bucket>: total=N; remaining=M;
// resets=S` (docs/zendesk-rules.md §7, S4): the governor remembers which endpoints answered with which buckets, so the next call
// to such an endpoint also waits on its buckets. A 429 that exhausted an endpoint bucket holds back the endpoints
// of that bucket only. Known limits (permanent delete) start as a local sliding window until the header is seen.
//
// Several instances on one account (fleet-share.ts): Zendesk's `remaining` is the account's, so an instance spends
// only its share of what is left at its last answer (calls in flight included), its share being the smaller of the
// consumer's hint (its part of the group's partitions) and what the headers show of the others' spending.
import { setTimeout as sleep } from 'node:timers/promises';
import { FleetShare } from './fleet-share.js';

/** Time for the governor: the system's, or a simulated one in tests. */
export interface GovernorClock {
  now(): number;
  sleep(ms: number): Promise<unknown>;
}

/** An answer older than this no longer tells what is left of a budget several instances spend. */
const STALE_MS = 1000;
/** In a sliding window, an own call leaving within this long is waited for rather than probing. */
const OWN_SOON_MS = 2000;
/** The most an instance sharing a budget waits after a reset or Retry-After, so that not all ask at once. */
const JITTER_MS = 500;

const systemClock: GovernorClock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

/** What the rate governor knows of the account's and endpoints' budgets. */
export interface GovernorStats {
  calls: number;
  rateLimited: number;
  retries: number;
  waitedMs: number;
}

class SlidingWindow {
  private readonly hits: number[] = [];
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds to wait before one more call fits the window (0 = now). */
  wait(now: number): number {
    while (this.hits.length > 0 && this.hits[0]! <= now - this.windowMs) this.hits.shift();
    return this.hits.length < this.max ? 0 : this.hits[0]! + this.windowMs - now + 1;
  }

  take(now: number): void {
    this.hits.push(now);
  }
}

/**
 * Our own calls the account counted in the last minute, by the time their answers came (the account counted each
 * before it answered, so each leaves the account's minute no later than it leaves ours). In a sliding window, a
 * slot our own call leaves is ours to use again: no other instance counts on it.
 */
class OwnCalls {
  private readonly answered: number[] = [];
  /** Calls that have left the minute, ever (a counter: freed since an answer = its growth since). */
  private left = 0;

  constructor(private readonly windowMs: number) {}

  private trim(now: number): void {
    while (this.answered.length > 0 && this.answered[0]! <= now - this.windowMs) {
      this.answered.shift();
      this.left++;
    }
  }

  add(now: number): void {
    this.answered.push(now);
  }

  /** Our calls still in the minute. */
  count(now: number): number {
    this.trim(now);
    return this.answered.length;
  }

  /** The counter of calls that left the minute. */
  leftSoFar(now: number): number {
    this.trim(now);
    return this.left;
  }

  /** When our oldest call leaves the minute (undefined: none in it). */
  nextLeaves(now: number): number | undefined {
    this.trim(now);
    const first = this.answered[0];
    return first === undefined ? undefined : first + this.windowMs + 1;
  }
}

/** `total=700; remaining=699; resets=41` → numbers (undefined when a part is missing). */
function parseEndpointBudget(
  value: string,
): { total: number; remaining: number; resets: number } | undefined {
  const parts = new Map(
    value.split(';').map((part) => {
      const [k, v] = part.split('=');
      return [k?.trim().toLowerCase(), Number(v?.trim())] as const;
    }),
  );
  const total = parts.get('total');
  const remaining = parts.get('remaining');
  const resets = parts.get('resets') ?? parts.get('resetin');
  if (![total, remaining, resets].every((n) => n !== undefined && Number.isFinite(n))) return undefined;
  return { total: total!, remaining: remaining!, resets: resets! };
}

class EndpointBudget {
  /** From Zendesk's endpoint header, once seen: the account-wide budget shared with every other client. */
  private remaining: number | null = null;
  /** `remaining` as the last answer reported it: our calls in flight may use only our share of it. */
  private reported = 0;
  private total = 0;
  private resetAt = 0;
  private blockedUntil = 0;
  /** Calls that went and have no answer yet: Zendesk may not have counted them in the last figures. */
  inFlight = 0;

  constructor(
    private readonly window: SlidingWindow,
    private readonly fleet: FleetShare,
    /** Milliseconds each instance adds to a reset, so that instances sharing the bucket do not all ask at once. */
    private readonly jitter: () => number,
  ) {}

  /** Milliseconds to wait before one more call may go (0 = now). */
  wait(now: number): number {
    if (this.blockedUntil > now) return this.blockedUntil - now;
    if (this.remaining === null) return this.window.wait(now);
    // Past the reset, one call asks (its answer tells the new budget), shared or not.
    if (this.resetAt <= now) return this.inFlight > 0 && this.fleet.share() < 1 ? 20 : 0;
    // Other instances spend the same bucket: ours is our share of what the last answer left, less our calls in
    // flight then and sent since (`remaining` is what was left less those).
    // Shared, the last slots of a bucket (2 %, at least one) are left to whoever's answers are freshest.
    const share = this.fleet.share();
    const margin = share < 1 ? Math.max(1, Math.ceil(this.total * 0.02)) : 0;
    const ours = this.remaining - margin - (1 - share) * (this.reported - margin) >= 1 - 1e-9;
    if (this.remaining > 0 && ours) return 0;
    return this.inFlight > 0 && this.remaining > 0 ? 20 : this.resetAt - now;
  }

  /** A call goes (after `wait` said 0). */
  take(now: number): void {
    this.inFlight++;
    if (this.remaining === null) this.window.take(now);
    else if (this.remaining > 0) this.remaining--;
    // A slot has freed up: this call goes, and its answer tells the new budget (a second after, if it does not).
    else this.resetAt = now + 1000;
  }

  learn(budget: { total: number; remaining: number; resets: number }, now: number): void {
    this.total = budget.total;
    this.remaining = Math.max(0, budget.remaining - this.inFlight);
    this.reported = Math.max(0, budget.remaining);
    this.resetAt = now + budget.resets * 1000 + this.jitter();
  }

  block(untilMs: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, untilMs + this.jitter());
  }
}

/** Spaces calls within Zendesk's rate limits (account and endpoint budgets from the zendesk-ratelimit headers), shareable between clients of one account. */
export class RateGovernor {
  private blockedUntil = 0;
  private limit: number | null = null;
  /** Left for everyone after our last answer, less our calls since (those in flight then included). */
  private remaining: number | null = null;
  /** `remaining` as the last answer reported it: our calls in flight may use only our share of it. */
  private reported = 0;
  /** Since the last answer: calls sent, calls in flight then (maybe not counted yet), our calls' `left` counter. */
  private sentSinceAnswer = 0;
  private uncountedAtAnswer = 0;
  private leftAtAnswer = 0;
  /** When the last answer came, and how fast the others' calls make the account's `remaining` fall (per ms). */
  private answeredAt = 0;
  private fallPerMs = 0;
  /** The start of the span the next fall sample covers: `remaining` then, and our answers since. */
  private span: { at: number; remaining: number; ours: number } | null = null;
  /** Our calls in the account's minute (Zendesk's account limits are per minute). */
  private readonly own = new OwnCalls(60_000);
  private resetAt = 0;
  private lastPacedAt = 0;
  /** Calls that went and have no answer yet (see EndpointBudget.inFlight). */
  private inFlight = 0;
  /** A call is finding out the budget after a reset. */
  private probing = false;
  /**
   * Whether the account's window slides (a reset frees a few slots) rather than starting afresh: learnt from the
   * first answer after a reset. Spacing the last share until the reset only makes sense in a fixed window.
   */
  private sliding = false;
  /**
   * Stretches the spacing in the reserve: doubled by each account 429 (other replicas spend the same reserve),
   * halved back at each reset without one.
   */
  private backoff = 1;
  private limitedSinceReset = false;
  /** Endpoint budgets by the bucket name of Zendesk's header (or a known limit's endpoint key, until then). */
  private readonly buckets = new Map<string, EndpointBudget>();
  /** Endpoint key -> the buckets its last answer with bucket headers named. */
  private readonly bucketsOf = new Map<string, string[]>();
  /** This instance's share of the account's budget (and of the endpoint buckets), fleet-share.ts. */
  readonly fleet = new FleetShare();
  private readonly clock: GovernorClock;
  private readonly random: () => number;
  readonly stats: GovernorStats = { calls: 0, rateLimited: 0, retries: 0, waitedMs: 0 };

  /**
   * `endpointLimits`: limits known before Zendesk's header names their bucket, by endpoint key (Zendesk's 700
   * permanent deletes per 10 minutes, docs/zendesk-rules.md §7).
   */
  constructor(
    endpointLimits: Record<string, { max: number; windowMs: number }> = {
      'DELETE deleted_users/:id': { max: 700, windowMs: 600_000 },
    },
    private readonly reserveShare = 0.2,
    options: { clock?: GovernorClock; random?: () => number } = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    for (const [key, l] of Object.entries(endpointLimits)) {
      this.buckets.set(
        key,
        new EndpointBudget(new SlidingWindow(l.max, l.windowMs), this.fleet, () => this.jitter()),
      );
      this.bucketsOf.set(key, [key]);
    }
  }

  /**
   * This instance's part of the work on a shared account (e.g. its partitions of the group's: 2 of 6 is 1/3),
   * set again whenever that changes; null when unknown. The governor spends at most that share of what Zendesk
   * reports left, less when the answers show others spending more.
   */
  setFleetShare(share: number | null): void {
    this.fleet.setHint(share);
  }

  /** Up to half a second, the more the more instances share the budget (none when alone). */
  private jitter(): number {
    return this.random() * JITTER_MS * (1 - this.fleet.share());
  }

  private budgetsOf(endpointKey: string | undefined): EndpointBudget[] {
    const names = endpointKey ? (this.bucketsOf.get(endpointKey) ?? []) : [];
    return names.flatMap((name) => this.buckets.get(name) ?? []);
  }

  /** Waits until a call to `endpointKey` (e.g. "DELETE deleted_users/:id") may go out. */
  async beforeCall(endpointKey: string): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      let wait = Math.max(0, this.blockedUntil - now);
      const known = this.limit !== null && this.remaining !== null;
      // In a sliding window, our own calls leaving it soon are slots we know of; else only a probe tells.
      const share = this.fleet.share();
      // Shared, every window is treated as sliding: our own calls leaving our minute free slots no one else
      // counts on, in a fixed window too (each instance keeps under its share of the limit in any minute).
      const sliding = this.sliding || share < 1;
      const leaves = this.own.nextLeaves(now);
      // Holding our share of the limit already, we never probe: slots that free are other instances' to take.
      const quota = this.limit === null ? Infinity : Math.floor(share * this.limit);
      const full = sliding && leaves !== undefined && this.own.count(now) + this.inFlight >= quota;
      const ownSoon = sliding && leaves !== undefined && (full || leaves - now <= OWN_SOON_MS);
      const pacing = known && (this.resetAt > now || ownSoon);
      // The reported reset has passed: a fixed window starts afresh, but a sliding one may have freed a single
      // slot. One call goes (the probe) and its answer tells which; the others wait for that answer.
      const probe = known && !pacing;
      if (wait === 0 && probe && this.probing) wait = 20;
      if (wait === 0 && pacing) {
        // Ours: our share of what the last answer left, less what we sent or had in flight since; in a sliding
        // window, also the slots our own calls have left since, while we hold less than our share of the limit.
        const mine = this.own.count(now) + this.inFlight;
        const freed = sliding
          ? Math.min(this.own.leftSoFar(now) - this.leftAtAnswer, Math.max(0, quota - mine))
          : 0;
        // In a sliding window, slots that left the minute just now are about to be taken again by the instances
        // whose calls they were: they are not shared out.
        const margin = sliding ? Math.max(2, Math.ceil(this.limit! * 0.02)) : 0;
        // What the last answer left, less what the others have spent since at the rate `remaining` has been
        // falling without us.
        const age = now - this.answeredAt;
        const left = this.reported - this.fallPerMs * Math.min(age, STALE_MS) - margin;
        const ours = share * Math.max(0, left) - this.uncountedAtAnswer - this.sentSinceAnswer + freed;
        // An answer older than a second says little of what is left: if our share of it was a call or more, and
        // nothing is in flight, one call goes to ask (and its answer tells).
        const refresh = age > STALE_MS && this.inFlight === 0 && share * (this.reported - margin) >= 1;
        if (refresh && this.remaining! > 0) {
          // goes
        } else if (ours < 1 - 1e-9 || (!sliding && this.remaining! <= 0)) {
          // Wait for an answer (it tells the budget anew), else for the reset of a fixed window, else for the
          // next of our own calls to leave a sliding one.
          wait =
            this.inFlight > 0
              ? 20
              : ownSoon || (sliding && leaves !== undefined && leaves < this.resetAt)
                ? Math.max(1, Math.min(leaves!, now + 1000) - now)
                : Math.max(1, Math.min(this.resetAt - now, 1000));
        } else if (!sliding) {
          // Alone, in the last share of a fixed window, our calls go one at a time, spread until the window resets.
          // (Sharing the budget, a call held back for long would rely on a stale `remaining`: none is spread.)
          const reserve = Math.ceil(this.limit! * this.reserveShare);
          if (this.remaining! <= reserve) {
            const gap = (this.backoff * (this.resetAt - now)) / Math.max(1, share * this.remaining!);
            wait = Math.max(0, Math.ceil(this.lastPacedAt + gap - now));
          }
        }
      }
      const budgets = wait === 0 ? this.budgetsOf(endpointKey) : [];
      for (const budget of budgets) wait = Math.max(wait, budget.wait(now));
      if (wait === 0) {
        for (const budget of budgets) budget.take(now);
        // Only a call that goes uses the budget (a waiting one must not, or waiting would drain it).
        if (pacing && this.remaining! > 0) this.remaining!--;
        this.sentSinceAnswer++;
        if (probe) {
          // Only a call that goes is the probe: one held back by an endpoint limit must not block the others.
          this.probing = true;
          if (!this.limitedSinceReset) this.backoff = Math.max(1, this.backoff / 2);
          this.limitedSinceReset = false;
        }
        this.lastPacedAt = now;
        this.inFlight++;
        break;
      }
      this.stats.waitedMs += wait;
      await this.clock.sleep(Math.min(wait, 60_000));
    }
    this.stats.calls++;
  }

  /** A call that went got no answer at all (a network error or a timeout). */
  callEnded(endpointKey?: string): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.probing = false;
    for (const budget of this.budgetsOf(endpointKey)) budget.inFlight = Math.max(0, budget.inFlight - 1);
  }

  /**
   * Learns from an answer's headers. `buckets` holds the answer's `zendesk-ratelimit-<bucket>` headers, by bucket
   * name. Returns the seconds to wait before a retry when the answer was a 429.
   */
  afterCall(
    status: number,
    header: (name: string) => string | null,
    endpointKey?: string,
    buckets: Record<string, string> = {},
  ): number | undefined {
    const now = this.clock.now();
    const wasProbe = this.probing;
    this.callEnded(endpointKey);
    const limit = Number(header('x-rate-limit') ?? header('ratelimit-limit'));
    const remaining = Number(header('x-rate-limit-remaining') ?? header('ratelimit-remaining'));
    const reset = Number(header('ratelimit-reset') ?? 60);
    const accountKnown = Number.isFinite(limit) && limit > 0 && Number.isFinite(remaining);
    if (status !== 429) this.own.add(now);
    if (accountKnown) {
      // The first answer after a reset: a window starting afresh shows most of its budget, a sliding one a few slots.
      if (wasProbe) this.sliding = remaining < limit / 2;
      this.limit = limit;
      // Calls still in flight went after this answer was counted, or were not counted yet: assume the latter.
      this.remaining = Math.max(0, remaining - this.inFlight);
      if (status !== 429) this.sampleFall(remaining, now);
      this.answeredAt = now;
      this.reported = Math.max(0, remaining);
      this.sentSinceAnswer = 0;
      this.uncountedAtAnswer = this.inFlight;
      this.leftAtAnswer = this.own.leftSoFar(now);
      // Instances sharing the budget all learn the same reset: each probes after it at a moment of its own.
      this.resetAt = now + (Number.isFinite(reset) && reset > 0 ? reset : 60) * 1000 + this.jitter();
      if (status !== 429) this.fleet.observe(remaining);
    }
    const named: string[] = [];
    const exhausted: EndpointBudget[] = [];
    for (const [name, value] of Object.entries(buckets)) {
      const budget = parseEndpointBudget(value);
      if (!budget) continue;
      named.push(name);
      const endpoint = this.bucket(name, endpointKey, budget);
      endpoint.learn(budget, now);
      if (budget.remaining <= 0) exhausted.push(endpoint);
    }
    if (endpointKey && named.length > 0) this.bucketsOf.set(endpointKey, named);
    if (status !== 429) return undefined;
    this.stats.rateLimited++;
    const retryAfter = Number(header('retry-after'));
    const seconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 1;
    // An exhausted endpoint bucket holds back the endpoints of that bucket only; a 429 with no exhausted bucket
    // (or with the account budget spent too) is the account limit, and holds back every call.
    for (const endpoint of exhausted) endpoint.block(now + seconds * 1000);
    if (exhausted.length === 0 || (accountKnown && remaining <= 0)) {
      this.blockedUntil = Math.max(this.blockedUntil, now + seconds * 1000 + this.jitter());
      this.fleet.limited();
      this.backoff = Math.min(8, this.backoff * 2);
      this.limitedSinceReset = true;
    }
    return seconds;
  }

  /**
   * Over spans of at least a quarter second: how much faster than our own answers `remaining` fell, i.e. the
   * others' calls per ms. A span in which it rose (a reset, slots leaving a sliding window) says nothing.
   */
  private sampleFall(remaining: number, now: number): void {
    const span = this.span;
    if (!span || remaining > span.remaining) {
      this.span = { at: now, remaining, ours: 0 };
      return;
    }
    span.ours++;
    if (now - span.at < 250) return;
    const others = Math.max(0, span.remaining - remaining - span.ours) / (now - span.at);
    this.fallPerMs = 0.5 * this.fallPerMs + 0.5 * others;
    this.span = { at: now, remaining, ours: 0 };
  }

  /** The budget of bucket `name`, made on first sight: from a known limit of the endpoint, else from the header. */
  private bucket(
    name: string,
    endpointKey: string | undefined,
    budget: { total: number; resets: number },
  ): EndpointBudget {
    let endpoint = this.buckets.get(name);
    if (endpoint) return endpoint;
    // A limit known under the endpoint's key takes the bucket's name (its count of recent calls carries over).
    endpoint = endpointKey ? this.buckets.get(endpointKey) : undefined;
    if (endpoint) this.buckets.delete(endpointKey!);
    else
      endpoint = new EndpointBudget(
        new SlidingWindow(budget.total, Math.max(1, budget.resets) * 1000),
        this.fleet,
        () => this.jitter(),
      );
    this.buckets.set(name, endpoint);
    return endpoint;
  }
}
