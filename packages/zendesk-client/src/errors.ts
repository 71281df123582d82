// Zendesk's answers as typed errors that keep the HTTP status, Zendesk's error body and the request id,
// and say whether trying again can help (kafkajs-style `retryable`).
import { LifecycleError, type ErrorCode } from '@zendesk-lifecycle/core';

export interface ZendeskErrorDetails {
  status: number | null;
  body: unknown;
  requestId: string | null;
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** An error Zendesk answered (or a call that failed): HTTP status, body, request id, and whether a retry can help. */
export class ZendeskError extends LifecycleError {
  readonly status: number | null;
  readonly body: unknown;
  readonly requestId: string | null;

  constructor(code: ErrorCode, message: string, retryable: boolean, details: ZendeskErrorDetails) {
    super(code, message, {
      retryable,
      ...(details.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: details.retryAfterSeconds }),
      ...(details.cause === undefined ? {} : { cause: details.cause }),
    });
    this.status = details.status;
    this.body = details.body;
    this.requestId = details.requestId;
  }
}

/** 404: no such resource. */
export class NotFound extends ZendeskError {}
/** 422 or 400: Zendesk refused the request's content. */
export class Invalid extends ZendeskError {}
/** 429: over a rate limit (see `retryAfterSeconds`). */
export class RateLimited extends ZendeskError {}
/** 401: the credentials are wrong, expired or revoked. */
export class Unauthorized extends ZendeskError {}
/** 403: signed in, but not allowed. */
export class Forbidden extends ZendeskError {}
/** 409: a conflicting change (retryable). */
export class Conflict extends ZendeskError {}
/** 5xx: Zendesk failed (retryable). */
export class ServerError extends ZendeskError {}
/** No answer: the connection failed (retryable). */
export class NetworkError extends ZendeskError {}
/** No answer in time (retryable). */
export class Timeout extends ZendeskError {}

function describe(status: number, body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as { error?: unknown; description?: unknown; details?: unknown };
    const error =
      typeof b.error === 'string' ? b.error : typeof b.error === 'object' ? JSON.stringify(b.error) : '';
    const details = b.details ? ` ${JSON.stringify(b.details)}` : '';
    return `Zendesk ${status} ${error}${b.description ? `: ${String(b.description)}` : ''}${details}`.trim();
  }
  return `Zendesk ${status}`;
}

/** The typed error for a non-2xx answer. */
export function errorFromResponse(
  status: number,
  body: unknown,
  requestId: string | null,
  retryAfterSeconds?: number,
): ZendeskError {
  const details: ZendeskErrorDetails = {
    status,
    body,
    requestId,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  };
  const message = describe(status, body);
  if (status === 401) return new Unauthorized('zendesk_unauthorized', message, false, details);
  if (status === 403) return new Forbidden('zendesk_forbidden', message, false, details);
  if (status === 404) return new NotFound('zendesk_not_found', message, false, details);
  if (status === 409) return new Conflict('zendesk_conflict', message, true, details);
  if (status === 429) return new RateLimited('zendesk_rate_limited', message, true, details);
  if (status >= 500) return new ServerError('zendesk_server_error', message, true, details);
  return new Invalid('zendesk_invalid', message, false, details);
}
