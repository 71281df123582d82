// POST /events: CloudEvents over HTTP (structured, binary, batch) for systems that cannot speak Kafka.
// 202 only after Kafka acknowledged every event; a batch with any invalid event is refused whole.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseHttpEvents, type LifecycleEvent } from '@zendesk-lifecycle/core';
import type { Logger } from '@zendesk-lifecycle/service-runtime';
import type { Publisher } from '../publisher.js';
import { IngestGuard, type GuardOptions } from './guard.js';
import { openApiDocument } from './openapi.js';

export interface IngestOptions extends GuardOptions {
  publisher: Publisher;
  port: number;
  host?: string;
  maxBodyBytes?: number;
  logger: Logger;
  /** Accept unauthenticated requests; only allowed on a loopback host (the demo). */
  allowUnauthenticated?: boolean;
}

export interface IngestServer {
  readonly url: string;
  stop(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

function reply(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve('too_large');
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startIngestServer(options: IngestOptions): Promise<IngestServer> {
  const host = options.host ?? '0.0.0.0';
  const guard = new IngestGuard(options);
  if (!guard.auth.configured && !(options.allowUnauthenticated && LOOPBACK.has(host))) {
    throw new Error(
      'the ingestion endpoint needs INGEST_TOKEN or INGEST_HMAC_SECRET (unauthenticated only on loopback in the demo)',
    );
  }
  const limit = options.maxBodyBytes ?? 1024 * 1024;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return reply(res, 200, { status: 'ok' });
    if (req.method === 'GET' && path === '/openapi.json') return reply(res, 200, openApiDocument());
    if (req.method === 'GET' && path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      return res.end(guard.metricsText());
    }
    if (path !== '/events') return reply(res, 404, { error: 'not_found' });
    if (req.method !== 'POST') return reply(res, 405, { error: 'method_not_allowed' }, { allow: 'POST' });
    const body = await readBody(req, limit);
    if (body === 'too_large')
      return reply(res, 413, { error: 'too_large', limit_bytes: limit }, { connection: 'close' });
    const head = {
      method: req.method,
      url: req.url ?? '/',
      headers: req.headers,
    };
    const caller = guard.auth.configured ? guard.auth.authenticate(head, body) : null; // null: loopback demo
    if (caller && !caller.ok) {
      if (caller.status === 401) guard.count(caller.code);
      options.logger.warn({ code: caller.code, detail: caller.detail }, 'ingestion request refused');
      return reply(res, caller.status, {
        error: caller.code,
        detail: caller.detail,
      });
    }
    if (!/json/i.test(String(req.headers['content-type'] ?? '')))
      return reply(res, 415, { error: 'unsupported_media_type' });
    const parsed = parseHttpEvents({
      headers: req.headers,
      body: body.toString('utf8'),
    });
    if (!parsed.ok)
      return reply(res, 400, {
        error: 'invalid_event',
        events: [{ index: 0, ...parsed.error }],
      });
    const invalid = parsed.results.flatMap((r, index) => (r.ok ? [] : [{ index, ...r.error }]));
    if (invalid.length > 0) return reply(res, 400, { error: 'invalid_event', events: invalid });
    const events = parsed.results.map((r) => (r as { ok: true; event: LifecycleEvent }).event);
    const allowed = guard.authorize(events, caller ? caller.principal : null);
    if (!allowed.ok) {
      guard.count('forbidden');
      options.logger.warn(
        { principal: caller?.principal, events: allowed.refused },
        'ingestion request refused',
      );
      return reply(res, 403, {
        error: 'forbidden',
        detail: allowed.refused[0]!.reason,
        events: allowed.refused,
      });
    }
    try {
      const accepted = await options.publisher.publish(allowed.events);
      options.logger.info({ events: accepted.map((a) => a.id), mode: parsed.mode }, 'events accepted');
      reply(res, 202, { accepted });
    } catch (error) {
      options.logger.error({ err: error }, 'Kafka did not acknowledge');
      reply(res, 503, { error: 'kafka_unavailable' }, { 'retry-after': '5' });
    }
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) =>
      reply(res, 500, { error: 'internal_error', message: String(error) }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
