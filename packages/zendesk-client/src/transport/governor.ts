// A rate governor shared by every call of one client. It reads Zendesk's rate-limit headers and spaces the
// remaining budget over the rest of the window, so that several replicas sharing an account slow down together
// before Zendesk starts answering 429; after an account-wide 429 every call waits for Retry-After. Endpoint limits
// have their own budgets, one per bucket that Zendesk names in `zendesk-ratelimit-<bucket>: total=N; remaining=M;
// resets=S` (docs/zendesk-rules.md §7, S4): the governor remembers which endpoints answered with which buckets, so the next call
// to such an endpoint also waits on its buckets. A 429 that exhausted an endpoint bucket holds back the endpoints
// of that bucket only. Known limits (permanent delete) start as a local sliding window until the header is seen.
import { setTimeout as sleep } from 'node:timers/promises';

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
  private resetAt = 0;
  private blockedUntil = 0;
  /** Calls that went and have no answer yet: Zendesk may not have counted them in the last figures. */
  inFlight = 0;

  constructor(private readonly window: SlidingWindow) {}

  /** Milliseconds to wait before one more call may go (0 = now). */
  wait(now: number): number {
    if (this.blockedUntil > now) return this.blockedUntil - now;
    if (this.remaining === null) return this.window.wait(now);
    if (this.remaining > 0 || this.resetAt <= now) return 0;
    return this.resetAt - now;
  }

  /** A call goes (after `wait` said 0). */
  take(now: number): void {
    this.inFlight++;
    if (this.remaining === null) this.window.take(now);
    else if (this.remaining > 0) this.remaining--;
    // A slot has freed up: this call goes, and its answer tells the new budget (a second after, if it does not).
    else this.resetAt = now + 1000;
  }

  learn(budget: { remaining: number; resets: number }, now: number): void {
    this.remaining = Math.max(0, budget.remaining - this.inFlight);
    this.resetAt = now + budget.resets * 1000;
  }

  block(untilMs: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, untilMs);
  }
}

export class RateGovernor {
  private blockedUntil = 0;
  private limit: number | null = null;
  private remaining: number | null = null;
  private resetAt = 0;
  private lastPacedAt = 0;
  /** Calls that went and have no answer yet (see EndpointBudget.inFlight). */
  private inFlight = 0;
  /** A call is finding out the budget after a reset. */
  private probing = false;
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
  ) {
    for (const [key, l] of Object.entries(endpointLimits)) {
      this.buckets.set(key, new EndpointBudget(new SlidingWindow(l.max, l.windowMs)));
      this.bucketsOf.set(key, [key]);
    }
  }

  private budgetsOf(endpointKey: string | undefined): EndpointBudget[] {
    const names = endpointKey ? (this.bucketsOf.get(endpointKey) ?? []) : [];
    return names.flatMap((name) => this.buckets.get(name) ?? []);
  }

  /** Waits until a call to `endpointKey` (e.g. "DELETE deleted_users/:id") may go out. */
  async beforeCall(endpointKey: string): Promise<void> {
    for (;;) {
      const now = Date.now();
      let wait = Math.max(0, this.blockedUntil - now);
      const known = this.limit !== null && this.remaining !== null;
      const pacing = known && this.resetAt > now;
      // The reported reset has passed: a fixed window starts afresh, but a sliding one may have freed a single
      // slot. One call goes (the probe) and its answer tells which; the others wait for that answer.
      const probe = known && !pacing;
      if (wait === 0 && probe && this.probing) wait = 20;
      if (wait === 0 && pacing) {
        // In the last share of the budget, calls go one at a time, evenly spaced until the window resets.
        const reserve = Math.ceil(this.limit! * this.reserveShare);
        if (this.remaining! <= reserve) {
          const gap = (this.backoff * (this.resetAt - now)) / Math.max(1, this.remaining!);
          wait = Math.max(0, Math.ceil(this.lastPacedAt + gap - now));
        }
      }
      const budgets = wait === 0 ? this.budgetsOf(endpointKey) : [];
      for (const budget of budgets) wait = Math.max(wait, budget.wait(now));
      if (wait === 0) {
        for (const budget of budgets) budget.take(now);
        // Only a call that goes uses the budget (a waiting one must not, or waiting would drain it).
        if (pacing && this.remaining! > 0) this.remaining!--;
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
      await sleep(Math.min(wait, 60_000));
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
    const now = Date.now();
    this.callEnded(endpointKey);
    const limit = Number(header('x-rate-limit') ?? header('ratelimit-limit'));
    const remaining = Number(header('x-rate-limit-remaining') ?? header('ratelimit-remaining'));
    const reset = Number(header('ratelimit-reset') ?? 60);
    const accountKnown = Number.isFinite(limit) && limit > 0 && Number.isFinite(remaining);
    if (accountKnown) {
      this.limit = limit;
      // Calls still in flight went after this answer was counted, or were not counted yet: assume the latter.
      this.remaining = Math.max(0, remaining - this.inFlight);
      this.resetAt = now + (Number.isFinite(reset) && reset > 0 ? reset : 60) * 1000;
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
      this.blockedUntil = Math.max(this.blockedUntil, now + seconds * 1000);
      this.backoff = Math.min(8, this.backoff * 2);
      this.limitedSinceReset = true;
    }
    return seconds;
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
    else endpoint = new EndpointBudget(new SlidingWindow(budget.total, Math.max(1, budget.resets) * 1000));
    this.buckets.set(name, endpoint);
    return endpoint;
  }
}
