// POST /events: CloudEvents over HTTP (structured, binary, batch) for systems that cannot speak Kafka.
// 202 only after Kafka acknowledged every event; a batch with any refused event is refused whole. Hardened:
// credentials before the body, a size limit answered with a delivered 413, timeouts in seconds, a connection cap,
// exact media types, and every error an application/problem+json with a correlation id.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parseHttpEvents, staleReason, type LifecycleEvent } from '@zendesk-lifecycle/core';
import type { Logger } from '@zendesk-lifecycle/service-runtime';
import type { Publisher } from '../publisher.js';
import type { AuthFailure } from './auth.js';
import { readBody } from './body.js';
import { IngestGuard, type GuardOptions } from './guard.js';
import { openApiDocument } from './openapi.js';
import { createOktaHook, OKTA_HOOK_PATH } from './okta/hook.js';
import { problem, problemResponse, sendProblem, type Problem } from './problem.js';

export interface IngestOptions extends GuardOptions {
  publisher: Publisher;
  port: number;
  host?: string;
  /** Largest body accepted (default 1 MiB). */
  maxBodyBytes?: number;
  /** Most events in one batch (default 100). */
  maxBatchEvents?: number;
  /** Events older than this are refused (default: the policy's `max_event_age_days`, 30). */
  maxEventAgeDays?: number;
  /** Seconds to receive the request line and headers (default 10). */
  headersTimeoutSeconds?: number;
  /** Seconds to receive the body once the headers are in (default 10). */
  bodyTimeoutSeconds?: number;
  /** Open connections at most; more are closed on arrival (default 256). */
  maxConnections?: number;
  logger: Logger;
  /** Accept unauthenticated requests; only allowed on a loopback host (the demo). */
  allowUnauthenticated?: boolean;
  /** More endpoints by path, each answering (and authenticating) its requests itself (e.g. /zendesk/webhook). */
  routes?: Record<
    string,
    (req: IncomingMessage, res: ServerResponse, correlationId: string) => Promise<void>
  >;
}

export interface IngestServer {
  readonly url: string;
  stop(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
/** Media types by mode: structured, batch, and binary (`data` in the body, attributes in `ce-*` headers). */
const MEDIA_TYPES = new Set([
  'application/cloudevents+json',
  'application/cloudevents-batch+json',
  'application/json',
]);
/** Headers that carry a signature (named in the refusal log, never their values). */
const SIGNATURE_HEADERS = ['webhook-signature', 'webhook-key-id'];
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,64}$/;

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** The media type without parameters; a charset other than UTF-8 makes it unsupported. */
function mediaType(header: string | undefined): string | undefined {
  const [type, ...params] = (header ?? '').split(';').map((part) => part.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='));
  if (charset && !['charset=utf-8', 'charset="utf-8"'].includes(charset)) return undefined;
  return type && MEDIA_TYPES.has(type) ? type : undefined;
}

const authProblem = (failure: AuthFailure) =>
  problem(
    failure.status,
    failure.code,
    failure.status === 401 ? 'Missing or wrong credentials' : 'Try again',
    failure.detail,
  );

export async function startIngestServer(options: IngestOptions): Promise<IngestServer> {
  const host = options.host ?? '0.0.0.0';
  const guard = new IngestGuard(options);
  if (!guard.auth.configured && !(options.allowUnauthenticated && LOOPBACK.has(host))) {
    throw new Error(
      'the ingestion endpoint needs INGEST_TOKEN or INGEST_HMAC_SECRET (unauthenticated only on loopback in the demo)',
    );
  }
  const { logger } = options;
  const limit = options.maxBodyBytes ?? 1024 * 1024;
  const maxBatch = options.maxBatchEvents ?? 100;
  const maxAgeDays = options.maxEventAgeDays ?? options.policy?.max_event_age_days ?? 30;
  const bodyMs = (options.bodyTimeoutSeconds ?? 10) * 1000;
  const headersMs = (options.headersTimeoutSeconds ?? 10) * 1000;
  // Okta Event Hooks (okta/hook.ts), when the policy has an `okta` section.
  const okta = options.policy?.okta
    ? createOktaHook({
        policy: options.policy,
        okta: options.policy.okta,
        env: options.env ?? {},
        guard,
        logger,
        publisher: options.publisher,
        maxBodyBytes: limit,
        bodyTimeoutMs: bodyMs,
        maxEventAgeDays: maxAgeDays,
      })
    : null;

  /** Sends a problem; refusals of credentials are logged (who, what, why; never a credential). */
  const refuse = (req: IncomingMessage, res: ServerResponse, body: Problem, id: string, close: boolean) => {
    if (body.status === 401 || body.status === 403) {
      guard.count(body.type.split(':').pop()!);
      logger.warn(
        {
          status: body.status,
          type: body.type,
          detail: body.detail,
          correlationId: id,
          remote: req.socket.remoteAddress,
          path: req.url,
          presented: credentialKinds(req),
        },
        'ingestion request refused',
      );
    }
    sendProblem(res, body, id, { close });
  };

  /** The answer to one POST /events; a Problem is sent by the caller. */
  const post = async (req: IncomingMessage, res: ServerResponse, id: string): Promise<Problem | void> => {
    // Before the body: no credential at all, or a token that is wrong and no signature to check, is refused
    // unread. A signature needs the body, so it is checked once the body is in.
    const head = { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers };
    const first = guard.auth.configured ? guard.auth.precheck(head) : null; // null: the loopback demo
    if (first && !first.ok) return authProblem(first);
    const type = mediaType(req.headers['content-type']);
    if (!type)
      return problem(
        415,
        'unsupported_media_type',
        'Unsupported media type',
        `send one of ${[...MEDIA_TYPES].join(', ')} (UTF-8)`,
      );
    if ((req.headers['content-encoding'] ?? 'identity') !== 'identity')
      return problem(
        415,
        'unsupported_media_type',
        'Unsupported content encoding',
        'send the body unencoded',
      );
    if (Number(req.headers['content-length'] ?? 0) > limit) return tooLarge(limit);
    // A sender that waits for `100 Continue` is only invited to send the body now, after these checks.
    if (/100-continue/i.test(req.headers.expect ?? '')) res.writeContinue();
    const body = await readBody(req, limit, bodyMs);
    if (body === 'too_large') return tooLarge(limit);
    if (body === 'timeout')
      return problem(408, 'request_timeout', 'Request timeout', `send the body within ${bodyMs / 1000} s`);
    if (body === 'aborted') return;
    const caller = first ? guard.auth.verify(head, first.pending, body) : null;
    if (caller && !caller.ok) return authProblem(caller);
    const receivedAt = new Date();
    // Structured and batch bodies carry their attributes; only binary mode reads ce-* headers.
    const headers = type === 'application/json' ? req.headers : { 'content-type': type };
    if (type === 'application/json' && req.headers['ce-specversion'] === undefined)
      return problem(
        400,
        'invalid_event',
        'Invalid event',
        'application/json is binary mode: the attributes go in ce-* headers (or send application/cloudevents+json)',
      );
    const parsed = parseHttpEvents({ headers, body: body.toString('utf8') });
    if (!parsed.ok)
      return problem(400, 'invalid_event', 'Invalid event', parsed.error.reason, {
        events: [{ index: 0, ...parsed.error }],
      });
    if (parsed.results.length === 0 || parsed.results.length > maxBatch)
      return problem(
        400,
        'invalid_batch',
        'Invalid batch',
        `a batch holds 1 to ${maxBatch} events; this one has ${parsed.results.length}`,
      );
    const invalid = parsed.results.flatMap((r, index) => (r.ok ? [] : [{ index, ...r.error }]));
    if (invalid.length > 0)
      return problem(400, 'invalid_event', 'Invalid event', `${invalid.length} event(s) are invalid`, {
        events: invalid,
      });
    // An event without a time gets the time it arrived, so its age can be judged downstream too.
    const events = parsed.results.map((r) => {
      const event = (r as { ok: true; event: LifecycleEvent }).event;
      return event.time ? event : { ...event, time: receivedAt.toISOString() };
    });
    const stale = events.flatMap((event, index) => {
      const reason = staleReason(event, maxAgeDays, receivedAt);
      return reason ? [{ index, id: event.id, code: 'stale_event', reason, issues: [] }] : [];
    });
    if (stale.length > 0)
      return problem(
        422,
        'stale_event',
        'Stale event',
        `events older than ${maxAgeDays} days are not accepted`,
        { events: stale },
      );
    const allowed = guard.authorize(events, caller ? caller.principal : null);
    if (!allowed.ok) {
      logger.warn(
        { correlationId: id, principal: caller?.principal ?? null, events: allowed.refused },
        "events outside the principal's rights",
      );
      return problem(403, 'forbidden', 'Not allowed for this principal', allowed.refused[0]!.reason, {
        events: allowed.refused,
      });
    }
    try {
      const accepted = await options.publisher.publish(allowed.events);
      logger.info(
        { events: accepted.map((a) => a.id), mode: parsed.mode, correlationId: id },
        'events accepted',
      );
      json(res, 202, { accepted }, { 'x-correlation-id': id });
    } catch (error) {
      logger.error({ err: error, correlationId: id }, 'Kafka did not acknowledge');
      res.setHeader('retry-after', '5');
      return problem(503, 'kafka_unavailable', 'Kafka unavailable', 'Kafka did not acknowledge; try again');
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const given = req.headers['x-correlation-id'];
    const id = typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
    const path = (req.url ?? '/').split('?')[0];
    const getOnly = (body: unknown) =>
      req.method === 'GET'
        ? json(res, 200, body, { 'x-correlation-id': id })
        : sendProblem(res, methodNotAllowed(req.method, 'GET'), id, { headers: { allow: 'GET' } });
    if (path === '/healthz') return getOnly({ status: 'ok' });
    // Ready as soon as it listens: the server starts only once the Kafka producer has connected (cli.ts serve).
    if (path === '/readyz') return getOnly({ status: 'ready' });
    if (path === '/openapi.json') return getOnly(openApiDocument());
    if (path === '/metrics' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      return res.end(guard.metricsText() + (okta?.metricsText() ?? ''));
    }
    if (okta && path === OKTA_HOOK_PATH) return okta.handle(req, res, id);
    const route = path ? options.routes?.[path] : undefined;
    if (route) return route(req, res, id);
    if (path !== '/events')
      return sendProblem(res, problem(404, 'not_found', 'Not found', `no resource at ${path}`), id, {
        close: true,
      });
    if (req.method !== 'POST')
      return sendProblem(res, methodNotAllowed(req.method, 'POST'), id, {
        close: true,
        headers: { allow: 'POST' },
      });
    const refusal = await post(req, res, id);
    // An answer sent before the whole body was read closes the connection (the rest is discarded).
    if (refusal && !res.headersSent) refuse(req, res, refusal, id, !req.complete);
  };

  const server: Server = createServer(
    {
      headersTimeout: headersMs,
      // The backstop behind the body deadline (which answers first, with a problem).
      requestTimeout: headersMs + bodyMs + 5000,
      connectionsCheckingInterval: Math.min(1000, headersMs),
    },
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        logger.error({ err: error }, 'ingestion request failed');
        if (!res.headersSent)
          sendProblem(
            res,
            problem(500, 'internal_error', 'Internal error', 'the request could not be handled'),
            randomUUID(),
            { close: true },
          );
      });
    },
  );
  // Without this, Node answers `Expect: 100-continue` itself, inviting the body before any check.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => server.emit('request', req, res));
  server.maxConnections = options.maxConnections ?? 256;
  server.keepAliveTimeout = 5000;
  // A connection idle for longer than a request may take is closed.
  server.setTimeout(headersMs + bodyMs);
  // Malformed HTTP and headers that come too slowly: a problem instead of Node's bare answer, then close.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || (error.code === 'ECONNRESET' && socket.bytesWritten > 0)) return socket.destroy();
    const timeout = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const body = timeout
      ? problem(408, 'request_timeout', 'Request timeout', `send the headers within ${headersMs / 1000} s`)
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? problem(431, 'headers_too_large', 'Request headers too large', 'send fewer or smaller headers')
        : problem(400, 'bad_request', 'Bad request', 'the request is not valid HTTP/1.1');
    const { headers, text } = problemResponse(body, randomUUID());
    const lines = Object.entries(headers);
    socket.end(
      `HTTP/1.1 ${body.status} ${body.title}\r\n${lines.map(([k, v]) => `${k}: ${v}\r\n`).join('')}` +
        `connection: close\r\n\r\n${text}`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

function tooLarge(limit: number): Problem {
  return problem(413, 'too_large', 'Content too large', `the body is over the limit of ${limit} bytes`, {
    limit_bytes: limit,
  });
}

function methodNotAllowed(method: string | undefined, allowed: string): Problem {
  return problem(
    405,
    'method_not_allowed',
    'Method not allowed',
    `${method} is not allowed here; use ${allowed}`,
  );
}

/** Which kinds of credential a request presented (for the refusal log; never their values). */
function credentialKinds(req: IncomingMessage): string[] {
  const kinds: string[] = [];
  const scheme = req.headers.authorization?.split(' ')[0]?.toLowerCase();
  // Only a known scheme name: a token sent without one must not end up in the log.
  if (scheme) kinds.push(['bearer', 'basic'].includes(scheme) ? scheme : 'authorization');
  for (const name of SIGNATURE_HEADERS) if (req.headers[name] !== undefined) kinds.push(name);
  return kinds;
}
