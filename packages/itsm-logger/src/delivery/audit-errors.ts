// The errors the logger raises. Each says whether trying again can help, so that the consumer can hold the
// offset and retry (Zendesk unreachable, ticket not visible yet) or stop (a ticket Zendesk will never accept).
import { LifecycleError } from '@zendesk-lifecycle/core';

/** Zendesk could not be read or written; nothing was lost, the same outcome may be logged again later. */
export function auditUnavailable(cause: unknown): LifecycleError {
  const retryAfterSeconds = cause instanceof LifecycleError ? cause.retryAfterSeconds : undefined;
  return new LifecycleError(
    'audit_unavailable',
    `the audit ticket could not be written: ${describe(cause)}`,
    {
      retryable: true,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      cause,
    },
  );
}

/**
 * Zendesk says this step's ticket was already requested with another body, yet no ticket carries its external
 * id: an earlier delivery is still being written. Trying again shortly finds it.
 */
export function auditPending(cause: unknown, retryAfterSeconds: number): LifecycleError {
  return new LifecycleError(
    'audit_pending',
    'an audit ticket for this step is being written by another delivery and is not visible yet',
    { retryable: true, retryAfterSeconds, cause },
  );
}

/** Zendesk refused the ticket itself (e.g. an unknown group or custom field): trying again changes nothing. */
export function auditRejected(cause: unknown): LifecycleError {
  return new LifecycleError('audit_rejected', `Zendesk refused the audit ticket: ${describe(cause)}`, {
    cause,
  });
}

function describe(cause: unknown): string {
  if (cause instanceof LifecycleError) return `${cause.code}: ${cause.message}`;
  if (cause instanceof Error) return cause.message;
  return String(cause);
}
