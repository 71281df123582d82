// A rate governor shared by every call of one client. It reads Zendesk's rate-limit headers and spaces the
// remaining budget over the rest of the window, so that several replicas sharing an account slow down together
// before Zendesk starts answering 429; after a 429 every call waits for Retry-After. Endpoints with their own
// limits (permanent delete) get their own sliding-window budget.
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

export class RateGovernor {
  private blockedUntil = 0;
  private limit: number | null = null;
  private remaining: number | null = null;
  private resetAt = 0;
  private readonly endpoints = new Map<string, SlidingWindow>();
  readonly stats: GovernorStats = { calls: 0, rateLimited: 0, retries: 0, waitedMs: 0 };

  constructor(
    endpointLimits: Record<string, { max: number; windowMs: number }> = {
      'DELETE deleted_users': { max: 700, windowMs: 600_000 },
    },
    private readonly reserveShare = 0.2,
  ) {
    for (const [key, l] of Object.entries(endpointLimits))
      this.endpoints.set(key, new SlidingWindow(l.max, l.windowMs));
  }

  /** Waits until a call to `endpointKey` (e.g. "DELETE deleted_users") may go out. */
  async beforeCall(endpointKey: string): Promise<void> {
    for (;;) {
      const now = Date.now();
      let wait = Math.max(0, this.blockedUntil - now);
      if (wait === 0 && this.limit !== null && this.remaining !== null && this.resetAt > now) {
        const reserve = Math.ceil(this.limit * this.reserveShare);
        if (this.remaining <= reserve) wait = Math.ceil((this.resetAt - now) / Math.max(1, this.remaining));
        if (this.remaining > 0) this.remaining--;
      }
      const window = wait === 0 ? this.endpoints.get(endpointKey) : undefined;
      if (window) wait = window.take(now);
      if (wait === 0) break;
      this.stats.waitedMs += wait;
      await sleep(Math.min(wait, 60_000));
    }
    this.stats.calls++;
  }

  /** Learns from an answer's headers. */
  afterCall(status: number, header: (name: string) => string | null): number | undefined {
    const limit = Number(header('x-rate-limit') ?? header('ratelimit-limit'));
    const remaining = Number(header('x-rate-limit-remaining') ?? header('ratelimit-remaining'));
    const reset = Number(header('ratelimit-reset') ?? 60);
    if (Number.isFinite(limit) && limit > 0 && Number.isFinite(remaining)) {
      this.limit = limit;
      this.remaining = remaining;
      this.resetAt = Date.now() + (Number.isFinite(reset) && reset > 0 ? reset : 60) * 1000;
    }
    if (status !== 429) return undefined;
    this.stats.rateLimited++;
    const retryAfter = Number(header('retry-after'));
    const seconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 1;
    this.blockedUntil = Math.max(this.blockedUntil, Date.now() + seconds * 1000);
    return seconds;
  }
}
