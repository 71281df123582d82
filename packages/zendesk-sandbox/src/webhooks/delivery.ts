// Delivering an event to a webhook as Zendesk does: one POST per event, JSON, signed with the webhook's signing
// secret (developer.zendesk.com, "Verifying webhook authenticity": X-Zendesk-Webhook-Signature =
// base64(HMAC-SHA256(timestamp + body)), X-Zendesk-Webhook-Signature-Timestamp, an ISO 8601 time in seconds), with
// the headers of "Anatomy of a webhook request" (x-zendesk-account-id, x-zendesk-webhook-id,
// x-zendesk-webhook-invocation-id). Failed requests are retried as "Webhook retries" describes (the sandbox's
// reading of it, see the README): a 409 up to 3 times; a 429 or 503 up to 3 times after its Retry-After when that is
// under 60 seconds (not at all when it is longer); a timeout or a connection failure up to 5 times; anything else
// is final. Every attempt is signed anew (a fresh timestamp). Delays scale with `timeScale` (tests).
import { createHmac, randomUUID } from 'node:crypto';

export interface DeliveryOptions {
  /** Multiplies every wait between attempts (default 1; tests use a small fraction). */
  timeScale?: number;
  /** How long an attempt may take before it counts as a timeout (default 10 s; not scaled). */
  timeoutMs?: number;
}

/** One try at delivering an invocation: when, and what the endpoint answered. */
export interface Attempt {
  /** When the attempt was answered (ISO). */
  completed_at: string;
  /** The HTTP status, or null for a timeout or a connection failure. */
  status: number | null;
  /** "success", "failed", "timeout" or "connection_failed". */
  result: 'success' | 'failed' | 'timeout' | 'connection_failed';
  duration_ms: number;
}

/** One event sent to one webhook, with every attempt made to deliver it. */
export interface Invocation {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  created_at: string;
  /** "pending" while attempts remain, then "success" or "failed". */
  status: 'pending' | 'success' | 'failed';
  attempts: Attempt[];
}

/** Signs a body as Zendesk does: base64(HMAC-SHA256(secret, timestamp + body)). */
export function zendeskSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret)
    .update(timestamp + body)
    .digest('base64');
}

/** Zendesk's signature timestamp: ISO 8601 in whole seconds, e.g. 2021-03-25T05:09:27Z. */
export const signatureTimestamp = (at = new Date()) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

const MAX_RETRIES = { conflict: 3, throttled: 3, unreachable: 5 } as const;

/** Whether (and after how long, in ms before scaling) a failed attempt is tried again; null: final. */
export function retryDelay(
  attempt: { status: number | null; retryAfter: string | null },
  retriesSoFar: number,
): number | null {
  const backoff = 1000 * 2 ** retriesSoFar;
  if (attempt.status === null) return retriesSoFar < MAX_RETRIES.unreachable ? backoff : null;
  if (attempt.status === 409) return retriesSoFar < MAX_RETRIES.conflict ? backoff : null;
  if (attempt.status === 429 || attempt.status === 503) {
    if (retriesSoFar >= MAX_RETRIES.throttled) return null;
    if (attempt.retryAfter === null) return backoff;
    const seconds = Number(attempt.retryAfter);
    return Number.isFinite(seconds) && seconds >= 0 && seconds < 60 ? seconds * 1000 : null;
  }
  return null;
}

export interface Target {
  id: string;
  endpoint: string;
  secret: string;
  authorization: string | null;
}

/** Sends one event to one webhook, retrying as Zendesk does; records every attempt on the invocation. */
export async function deliver(
  target: Target,
  body: string,
  invocation: Invocation,
  accountId: number,
  options: DeliveryOptions,
  /** Waits; resolves false when the sandbox stopped meanwhile (no more attempts). */
  sleep: (ms: number) => Promise<boolean>,
): Promise<void> {
  const scale = options.timeScale ?? 1;
  const timeoutMs = options.timeoutMs ?? 10_000;
  for (let retries = 0; ; retries++) {
    const timestamp = signatureTimestamp();
    const started = Date.now();
    let status: number | null = null;
    let retryAfter: string | null = null;
    let result: Attempt['result'];
    try {
      const res = await fetch(target.endpoint, {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Zendesk Webhook',
          'x-zendesk-account-id': String(accountId),
          'x-zendesk-webhook-id': target.id,
          'x-zendesk-webhook-invocation-id': invocation.id,
          'x-zendesk-webhook-signature': zendeskSignature(target.secret, timestamp, body),
          'x-zendesk-webhook-signature-timestamp': timestamp,
          ...(target.authorization ? { authorization: target.authorization } : {}),
        },
      });
      await res.arrayBuffer().catch(() => undefined);
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      result = res.status >= 200 && res.status < 300 ? 'success' : 'failed';
    } catch (error) {
      result = (error as Error).name === 'TimeoutError' ? 'timeout' : 'connection_failed';
    }
    invocation.attempts.push({
      completed_at: new Date().toISOString(),
      status,
      result,
      duration_ms: Date.now() - started,
    });
    if (result === 'success') {
      invocation.status = 'success';
      return;
    }
    const wait = retryDelay({ status, retryAfter }, retries);
    if (wait === null || !(await sleep(wait * scale))) {
      invocation.status = 'failed';
      return;
    }
  }
}

/** A new invocation record for an event. */
export function newInvocation(webhookId: string, event: { id: string; type: string }): Invocation {
  return {
    id: randomUUID(),
    webhook_id: webhookId,
    event_id: event.id,
    event_type: event.type,
    created_at: new Date().toISOString(),
    status: 'pending',
    attempts: [],
  };
}
