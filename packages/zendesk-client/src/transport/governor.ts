// A rate governor shared by every call of one client. It reads Zendesk's rate-limit headers and spaces the
// remaining budget over the rest of the window, so that several replicas sharing an account slow down together
// before Zendesk starts answering 429; after a 429 every call waits for Retry-After. Endpoints with their own
// limits (permanent delete) get their own budget: a local sliding window until Zendesk's endpoint header
// (`zendesk-ratelimit-<endpoint>: total=N; remaining=M; resets=S`) tells the account-wide truth, and a 429 from
// such an endpoint holds back that endpoint only.
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

  /** Milliseconds to wait before one more call fits the window (0 = now); takes the slot when 0. */
  take(now: number): number {
    while (this.hits.length > 0 && this.hits[0]! <= now - this.windowMs) this.hits.shift();
    if (this.hits.length < this.max) {
      this.hits.push(now);
      return 0;
    }
    return this.hits[0]! + this.windowMs - now + 1;
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

  /** Milliseconds to wait before one more call may go (0 = now, and the slot is taken). */
  take(now: number): number {
    if (this.blockedUntil > now) return this.blockedUntil - now;
    if (this.remaining === null) {
      const wait = this.window.take(now);
      if (wait === 0) this.inFlight++;
      return wait;
    }
    if (this.remaining > 0) {
      this.remaining--;
      this.inFlight++;
      return 0;
    }
    if (this.resetAt > now) return this.resetAt - now;
    // A slot has freed up: one call goes, and its answer tells the new budget (a second after, if it does not).
    this.resetAt = now + 1000;
    this.inFlight++;
    return 0;
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
  private readonly endpoints = new Map<string, EndpointBudget>();
  readonly stats: GovernorStats = { calls: 0, rateLimited: 0, retries: 0, waitedMs: 0 };

  constructor(
    endpointLimits: Record<string, { max: number; windowMs: number }> = {
      'DELETE deleted_users': { max: 700, windowMs: 600_000 },
    },
    private readonly reserveShare = 0.2,
  ) {
    for (const [key, l] of Object.entries(endpointLimits))
      this.endpoints.set(key, new EndpointBudget(new SlidingWindow(l.max, l.windowMs)));
  }

  /** Waits until a call to `endpointKey` (e.g. "DELETE deleted_users") may go out. */
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
      const endpoint = wait === 0 ? this.endpoints.get(endpointKey) : undefined;
      if (endpoint) wait = endpoint.take(now);
      if (wait === 0) {
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
    const endpoint = endpointKey ? this.endpoints.get(endpointKey) : undefined;
    if (endpoint) endpoint.inFlight = Math.max(0, endpoint.inFlight - 1);
  }

  /**
   * Learns from an answer's headers. `endpointBudget` is the value of a `zendesk-ratelimit-*` header, if the answer
   * had one. Returns the seconds to wait before a retry when the answer was a 429.
   */
  afterCall(
    status: number,
    header: (name: string) => string | null,
    endpointKey?: string,
    endpointBudget?: string | null,
  ): number | undefined {
    const now = Date.now();
    this.callEnded(endpointKey);
    const limit = Number(header('x-rate-limit') ?? header('ratelimit-limit'));
    const remaining = Number(header('x-rate-limit-remaining') ?? header('ratelimit-remaining'));
    const reset = Number(header('ratelimit-reset') ?? 60);
    if (Number.isFinite(limit) && limit > 0 && Number.isFinite(remaining)) {
      this.limit = limit;
      // Calls still in flight went after this answer was counted, or were not counted yet: assume the latter.
      this.remaining = Math.max(0, remaining - this.inFlight);
      this.resetAt = now + (Number.isFinite(reset) && reset > 0 ? reset : 60) * 1000;
    }
    const budget = endpointBudget ? parseEndpointBudget(endpointBudget) : undefined;
    let endpoint = endpointKey ? this.endpoints.get(endpointKey) : undefined;
    if (budget && endpointKey && !endpoint) {
      // An endpoint limit we did not know about: follow what Zendesk says from now on.
      endpoint = new EndpointBudget(new SlidingWindow(budget.total, Math.max(1, budget.resets) * 1000));
      this.endpoints.set(endpointKey, endpoint);
    }
    if (budget) endpoint?.learn(budget, now);
    if (status !== 429) return undefined;
    this.stats.rateLimited++;
    const retryAfter = Number(header('retry-after'));
    const seconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 1;
    // An endpoint's own limit holds back that endpoint only; the account limit holds back every call.
    if (budget && endpoint) endpoint.block(now + seconds * 1000);
    else {
      this.blockedUntil = Math.max(this.blockedUntil, now + seconds * 1000);
      this.backoff = Math.min(8, this.backoff * 2);
      this.limitedSinceReset = true;
    }
    return seconds;
  }
}
