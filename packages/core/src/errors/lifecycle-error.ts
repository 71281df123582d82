// The one error shape every layer speaks: a searchable code, whether trying again can help, and the cause.
// Adapters subclass it (Zendesk errors, Kafka errors) so that the executor can classify failures without I/O.

export interface LifecycleErrorOptions {
  /** Whether the same operation may succeed if tried again later (rate limit, 5xx, network). */
  retryable?: boolean;
  /** Seconds the remote side asked us to wait before trying again, when it said so. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** Base class of every error the system raises on purpose. */
export class LifecycleError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: string, message: string, options: LifecycleErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** True when the error says trying again may help. Unknown errors are treated as not retryable. */
export function isRetryable(error: unknown): boolean {
  return error instanceof LifecycleError ? error.retryable : false;
}
