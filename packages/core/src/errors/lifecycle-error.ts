// The one error shape every layer speaks: a searchable code, whether trying again can help, and the cause.
// Adapters subclass it (Zendesk errors, Kafka errors) so that the executor can classify failures without I/O.
import { ERROR_CODES, type ErrorCode, type RefusalRule } from '../model/codes.js';

/** Options of a LifecycleError: whether a retry can help, how long to wait, the cause. */
export interface LifecycleErrorOptions {
  /** Whether the same operation may succeed if tried again later (rate limit, 5xx, network). */
  retryable?: boolean;
  /** Seconds the remote side asked us to wait before trying again, when it said so. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** Base class of every error the system raises on purpose. */
export class LifecycleError extends Error {
  /** One of the closed sets in model/codes.ts: an error code, or (ActionRefused) the rule that refused. */
  readonly code: ErrorCode | RefusalRule;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode | RefusalRule, message: string, options: LifecycleErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** True for the codes of failures (not refusal rules). */
export function isErrorCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}
