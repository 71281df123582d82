// POST /zendesk/webhook: Zendesk's user events (event webhooks, `zen:event-type:user.*`), verified (verify.ts),
// validated with core's ZendeskUserEventSchema, deduplicated by Zendesk's event id (recently seen ids, in memory;
// the consumer side deduplicates too), and published to the user-events topic; 200 only after Kafka acknowledged.
// Refusals are problem+json: 401 (signature, timestamp, replay; Zendesk does not retry them), 400 (not a user
// event), 415, 413; 503 with Retry-After when Kafka does not acknowledge (Zendesk retries a 503 whose Retry-After is
// under a minute).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ZendeskUserEventSchema } from '@zendesk-lifecycle/core';
import type { Logger } from '@zendesk-lifecycle/service-runtime';
import { readBody } from '../body.js';
import { problem, sendProblem, type Problem } from '../problem.js';
import type { UserEventsPublisher } from './publisher.js';
import { RecentIds, ZendeskSignatureVerifier, type SignatureRefusal } from './verify.js';

/** Where the endpoint is served on the ingestion service. */
export const ZENDESK_WEBHOOK_PATH = '/zendesk/webhook';

export interface ZendeskWebhookRouteOptions {
  publisher: UserEventsPublisher;
  secrets: string[];
  windowSeconds?: number;
  logger: Logger;
  maxBodyBytes?: number;
  bodyTimeoutSeconds?: number;
  now?: () => number;
}

/** A route of the ingestion service: answers the request itself (correlation id given). */
export type IngestRoute = (req: IncomingMessage, res: ServerResponse, correlationId: string) => Promise<void>;

const REFUSALS: Record<SignatureRefusal, string> = {
  signature_missing: 'the X-Zendesk-Webhook-Signature and -Timestamp headers are required',
  timestamp_invalid: 'the signature timestamp is not a time',
  timestamp_outside_window: 'the signature timestamp is outside the accepted window',
  signature_invalid: "the signature does not match the webhook's signing secret",
  replayed: 'this signed request was already received',
};

export function zendeskWebhookRoute(options: ZendeskWebhookRouteOptions): IngestRoute {
  const verifier = new ZendeskSignatureVerifier({
    secrets: options.secrets,
    ...(options.windowSeconds !== undefined ? { windowSeconds: options.windowSeconds } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const recent = new RecentIds(50_000, 24 * 3600_000, options.now);
  const limit = options.maxBodyBytes ?? 1024 * 1024;
  const bodyMs = (options.bodyTimeoutSeconds ?? 10) * 1000;
  const { logger } = options;

  const answer = async (req: IncomingMessage, res: ServerResponse, id: string): Promise<Problem | void> => {
    if (req.method !== 'POST')
      return problem(
        405,
        'method_not_allowed',
        'Method not allowed',
        `${req.method} is not allowed; use POST`,
      );
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json')
      return problem(415, 'unsupported_media_type', 'Unsupported media type', 'send application/json');
    const body = await readBody(req, limit, bodyMs);
    if (body === 'too_large')
      return problem(413, 'too_large', 'Content too large', `the body is over ${limit} bytes`);
    if (body === 'timeout')
      return problem(408, 'request_timeout', 'Request timeout', 'send the body in time');
    if (body === 'aborted') return;
    const verified = verifier.verify(req.headers, body);
    if (!verified.ok) {
      logger.warn(
        {
          correlationId: id,
          reason: verified.reason,
          remote: req.socket.remoteAddress,
          webhook: req.headers['x-zendesk-webhook-id'],
        },
        'Zendesk webhook refused',
      );
      return problem(
        401,
        verified.reason,
        'Not a genuine Zendesk webhook request',
        REFUSALS[verified.reason],
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      verifier.release(verified.signature);
      return problem(400, 'invalid_event', 'Invalid event', 'the body is not JSON');
    }
    const parsed = ZendeskUserEventSchema.safeParse(json);
    if (!parsed.success) {
      verifier.release(verified.signature);
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      logger.warn({ correlationId: id, issues }, 'Zendesk webhook body is not a user event');
      return problem(400, 'invalid_event', 'Invalid event', 'the body is not a Zendesk user event', {
        issues,
      });
    }
    const event = parsed.data;
    if (recent.has(event.id)) {
      logger.info({ correlationId: id, eventId: event.id }, 'Zendesk user event already received');
      res.writeHead(200, { 'content-type': 'application/json', 'x-correlation-id': id });
      return void res.end(JSON.stringify({ status: 'duplicate', event_id: event.id }));
    }
    try {
      const sent = await options.publisher.publish(event, body);
      recent.add(event.id);
      logger.info(
        { correlationId: id, eventId: event.id, type: event.type, key: sent.key },
        'Zendesk user event accepted',
      );
      res.writeHead(200, { 'content-type': 'application/json', 'x-correlation-id': id });
      res.end(JSON.stringify({ status: 'accepted', event_id: event.id, key: sent.key }));
    } catch (error) {
      verifier.release(verified.signature);
      logger.error({ err: error, correlationId: id, eventId: event.id }, 'Kafka did not acknowledge');
      return problem(503, 'kafka_unavailable', 'Kafka unavailable', 'Kafka did not acknowledge; try again');
    }
  };

  return async (req, res, id) => {
    const refusal = await answer(req, res, id);
    if (refusal && !res.headersSent)
      sendProblem(res, refusal, id, {
        close: !req.complete,
        ...(refusal.status === 503 ? { headers: { 'retry-after': '5' } } : {}),
      });
  };
}
