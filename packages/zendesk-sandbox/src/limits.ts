// Rate limits: the account's requests-per-minute budget (rolling window) with Zendesk's headers on every reply,
// and endpoint limits of their own (permanent delete: 700 per 10 minutes).
import { HttpError } from './http.js';

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
