// Rate limits: the account's requests-per-minute budget (rolling window) with Zendesk's headers on every reply,
// and endpoint limits of their own (S4, S20, S1): ticket lists, Update Ticket, permanent delete, running jobs.
import { HttpError } from './http.js';

export interface Limit {
  max: number;
  windowMs: number;
}

export interface EndpointLimitOptions {
  rpm?: number;
  ticketListLimit?: Limit;
  updateTicketLimit?: Limit;
  permanentDeleteLimit?: Limit;
  jobLimit?: number;
}

/** The endpoint limits of one sandbox run; each is off when its max is 0. */
export interface EndpointLimits {
  ticketsIndex: WindowLimiter;
  updateTicket: WindowLimiter;
  permanentDelete: WindowLimiter;
  /** Jobs queued or working at once (0 = no limit). */
  jobs: number;
}

/**
 * Defaults: ticket lists 100 per minute (S4's `zendesk-ratelimit-tickets-index: total=100` example), Update
 * Ticket 100 per minute account-wide (S20), 30 queued or working jobs (S4 via docs/zendesk-rules.md §5), permanent delete 700
 * per 10 minutes (S1). With `rpm: 0` every limit not given explicitly is off, except permanent delete's.
 */
export function endpointLimits(options: EndpointLimitOptions): EndpointLimits {
  const off = options.rpm === 0;
  const pick = (given: Limit | undefined, fallback: Limit) =>
    given ?? (off ? { max: 0, windowMs: fallback.windowMs } : fallback);
  const limiter = (l: Limit) => new WindowLimiter(l.max, l.windowMs);
  return {
    ticketsIndex: limiter(pick(options.ticketListLimit, { max: 100, windowMs: 60_000 })),
    updateTicket: limiter(pick(options.updateTicketLimit, { max: 100, windowMs: 60_000 })),
    permanentDelete: limiter(options.permanentDeleteLimit ?? { max: 700, windowMs: 600_000 }),
    jobs: options.jobLimit ?? (off ? 0 : 30),
  };
}

/**
 * Counts one call against an endpoint limit: the `zendesk-ratelimit-<bucket>` header to send (none when the
 * limit is off), or a 429 with Retry-After and the same header.
 */
export function takeEndpoint(
  limiter: WindowLimiter,
  bucket: string | null,
  what: string,
): Record<string, string> {
  const taken = limiter.take();
  const header = (remaining: number): Record<string, string> =>
    limiter.unlimited || bucket === null
      ? {}
      : {
          [`zendesk-ratelimit-${bucket}`]: `total=${limiter.max}; remaining=${remaining}; resets=${limiter.resetSeconds()}`,
        };
  if (!taken.ok) throw tooManyRequests(taken.retryAfter, `${what} rate limit exceeded`, header(0));
  return header(taken.remaining);
}

export class WindowLimiter {
  private readonly hits: number[] = [];

  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {}

  /** No limit at all (max 0, or not a finite number): every request goes and no rate headers are sent. */
  get unlimited(): boolean {
    return this.max <= 0 || !Number.isFinite(this.max);
  }

  private trim(now: number): void {
    while (this.hits.length > 0 && this.hits[0]! <= now - this.windowMs) this.hits.shift();
  }

  /** Counts one request, or returns the seconds until one is allowed. */
  take(now = Date.now()): { ok: true; remaining: number } | { ok: false; retryAfter: number } {
    if (this.unlimited) return { ok: true, remaining: Number.MAX_SAFE_INTEGER };
    this.trim(now);
    if (this.hits.length >= this.max) {
      return { ok: false, retryAfter: Math.max(1, Math.ceil((this.hits[0]! + this.windowMs - now) / 1000)) };
    }
    this.hits.push(now);
    return { ok: true, remaining: this.max - this.hits.length };
  }

  resetSeconds(now = Date.now()): number {
    this.trim(now);
    return this.hits.length === 0 ? 0 : Math.max(1, Math.ceil((this.hits[0]! + this.windowMs - now) / 1000));
  }
}

export function accountHeaders(limiter: WindowLimiter, remaining: number): Record<string, string> {
  if (limiter.unlimited) return {};
  const reset = String(limiter.resetSeconds());
  return {
    'x-rate-limit': String(limiter.max),
    'x-rate-limit-remaining': String(remaining),
    'ratelimit-limit': String(limiter.max),
    'ratelimit-remaining': String(remaining),
    'ratelimit-reset': reset,
  };
}

export function tooManyRequests(
  retryAfter: number,
  description: string,
  headers: Record<string, string> = {},
): HttpError {
  return new HttpError(
    429,
    { error: 'TooManyRequests', description },
    { 'retry-after': String(retryAfter), ...headers },
  );
}
