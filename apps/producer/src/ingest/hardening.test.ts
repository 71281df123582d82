// The ingestion endpoint under hostile senders: credentials before the body, delivered 413s, slow senders cut off,
// batch and media-type limits, stale events, a connection cap, and every refusal a problem+json with a
// correlation id, logged (401/403) without the credential.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { KafkaMessage } from 'kafkajs';
import { createLifecycleEvent } from '@zendesk-lifecycle/core';
import { testKafka, uniqueName } from '@zendesk-lifecycle/kafka';
import type { KafkaSettings } from '@zendesk-lifecycle/service-runtime';
import type { Publisher } from '../publisher.js';
import { startIngestServer, type IngestServer } from './server.js';
import { eventsTopicWithPublisher } from '../testing/events-topic.js';

const kafka = testKafka('ingest-hardening');
const token = 'hardening-token-7f3a';
let settings: KafkaSettings;
let publisher: Publisher;
let server: IngestServer;
let port: number;
const logLines: string[] = [];

beforeAll(async () => {
  ({ settings, publisher } = await eventsTopicWithPublisher(kafka, 'hardening'));
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  server = await startIngestServer({
    publisher,
    port: 0,
    host: '127.0.0.1',
    token,
    maxBodyBytes: 64 * 1024,
    headersTimeoutSeconds: 1,
    bodyTimeoutSeconds: 1,
    maxConnections: 20,
    logger: pino({ level: 'info' }, sink),
  });
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  await server.stop();
  await publisher.stop();
});

const bearer = { authorization: `Bearer ${token}` };
const event = (extra: Record<string, unknown> = {}) => ({
  ...createLifecycleEvent({
    type: 'lifecycle.access_revoked.v1',
    source: 'test',
    user: { email: 'rita@acme.test' },
  }),
  ...extra,
});
const post = (body: string | ReadableStream<Uint8Array>, headers: Record<string, string>) =>
  fetch(`${server.url}/events`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/cloudevents+json', ...headers },
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  correlation_id: string;
  events?: Array<{ index: number; code: string; reason: string }>;
}

/** Asserts an RFC 9457 problem with the correlation id in header and body, and returns its body. */
async function problemOf(res: Response, status: number): Promise<ProblemBody> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = (await res.json()) as ProblemBody;
  expect(body).toMatchObject({ status, type: expect.stringMatching(/^urn:zendesk-lifecycle:problem:/) });
  expect(body.title.length).toBeGreaterThan(0);
  expect(body.detail.length).toBeGreaterThan(0);
  expect(body.correlation_id).toBe(res.headers.get('x-correlation-id'));
  return body;
}

/** An endless body, 16 KiB a chunk, counting what the server let through. */
function endless(sent: { bytes: number }): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      sent.bytes += 16 * 1024;
      controller.enqueue(new Uint8Array(16 * 1024).fill(0x20));
    },
  });
}

/** Raw bytes over a socket; resolves with everything the server answered once it closed the connection. */
function raw(
  write: (socket: Socket) => void,
  timeoutMs = 10_000,
): Promise<{ text: string; ms: number; reset: boolean }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let reset = false;
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms; got ${JSON.stringify(text)}`));
    }, timeoutMs);
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('error', () => (reset = true));
    socket.on('close', () => {
      clearTimeout(guard);
      resolve({ text, ms: Date.now() - started, reset });
    });
    socket.on('connect', () => write(socket));
  });
}

describe('hardened ingestion', () => {
  it('answers a missing credential with 401 before reading the body: a huge upload is cut short', async () => {
    const started = Date.now();
    const answer = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
      const req = request({
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: '/events',
        headers: { 'content-type': 'application/cloudevents+json', 'transfer-encoding': 'chunked' },
      });
      let sent = 0;
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (sent < 200 * 1024 * 1024 && !req.destroyed && req.write(chunk)) sent += chunk.length;
      };
      req.on('drain', pump);
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode!, body, sent });
          req.destroy();
        });
      });
      req.on('error', reject);
      pump();
    });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({
      status: 401,
      type: 'urn:zendesk-lifecycle:problem:unauthenticated',
    });
    expect(answer.sent).toBeLessThan(50 * 1024 * 1024);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('does not invite the body of an unauthenticated Expect: 100-continue request', async () => {
    const { text } = await raw((socket) =>
      socket.write(
        'POST /events HTTP/1.1\r\nhost: x\r\ncontent-type: application/cloudevents+json\r\n' +
          'content-length: 10\r\nexpect: 100-continue\r\n\r\n',
      ),
    );
    expect(text).not.toContain('100 Continue');
    expect(text).toMatch(/^HTTP\/1\.1 401 /);
  });

  it('delivers a 413 for a body over the limit, declared or streamed, instead of a reset', async () => {
    const declared = await post('x'.repeat(100 * 1024), bearer);
    expect((await problemOf(declared, 413)).detail).toMatch(/65536 bytes/);
    const sent = { bytes: 0 };
    const streamed = await post(endless(sent), bearer);
    await problemOf(streamed, 413);
    expect(sent.bytes).toBeLessThan(20 * 1024 * 1024);
  });

  it('cuts off a sender that trickles its body, and one that trickles its headers, with a 408', async () => {
    const body = await raw((socket) => {
      socket.write(
        `POST /events HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${token}\r\n` +
          'content-type: application/cloudevents+json\r\ncontent-length: 1000\r\n\r\n',
      );
      const timer = setInterval(() => (socket.writable ? socket.write('{') : clearInterval(timer)), 200);
      socket.on('close', () => clearInterval(timer));
    });
    expect(body.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(body.text).toContain('application/problem+json');
    expect(body.ms).toBeLessThan(4000);

    const headers = await raw((socket) => {
      socket.write('POST /events HTTP/1.1\r\nhost: x\r\n');
      const timer = setInterval(
        () => (socket.writable ? socket.write('x-a: b\r\n') : clearInterval(timer)),
        200,
      );
      socket.on('close', () => clearInterval(timer));
    });
    expect(headers.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(headers.text).toContain('"status":408');
    expect(headers.ms).toBeLessThan(5000);
  });

  it('accepts at most 100 events in a batch', async () => {
    const batch = (n: number) => JSON.stringify(Array.from({ length: n }, () => event()));
    const batchHeaders = { ...bearer, 'content-type': 'application/cloudevents-batch+json' };
    const refused = await problemOf(await post(batch(101), batchHeaders), 400);
    expect(refused.type).toBe('urn:zendesk-lifecycle:problem:invalid_batch');
    expect(refused.detail).toMatch(/1 to 100 events; this one has 101/);
    expect((await post(batch(100), batchHeaders)).status).toBe(202);
    await problemOf(await post('[]', batchHeaders), 400);
  });

  it('accepts only the three exact media types (UTF-8, unencoded)', async () => {
    const body = JSON.stringify(event());
    for (const type of [
      'text/plain',
      'application/xml',
      'application/cloudevents+jsonx',
      'application/json-seq',
      'application/cloudevents+json; charset=latin1',
    ]) {
      const res = await post(body, { ...bearer, 'content-type': type });
      expect((await problemOf(res, 415)).type, type).toBe(
        'urn:zendesk-lifecycle:problem:unsupported_media_type',
      );
    }
    await problemOf(await post(body, { ...bearer, 'content-encoding': 'gzip' }), 415);
    const ok = await post(body, { ...bearer, 'content-type': 'Application/CloudEvents+JSON; charset=utf-8' });
    expect(ok.status).toBe(202);
    // application/json is binary mode: without ce-* headers it is not an event.
    await problemOf(await post(body, { ...bearer, 'content-type': 'application/json' }), 400);
  });

  it('answers problems with the correlation id the sender gave (or a new one) and no internals', async () => {
    const given = await post('{ not json', { ...bearer, 'x-correlation-id': 'trace-42' });
    const body = await problemOf(given, 400);
    expect(body.correlation_id).toBe('trace-42');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts|node_modules|stack/);
    const fresh = await problemOf(
      await post('{ not json', { ...bearer, 'x-correlation-id': 'bad id <script>' }),
      400,
    );
    expect(fresh.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
    for (const [path, method, status] of [
      ['/nowhere', 'GET', 404],
      ['/events', 'GET', 405],
    ] as const)
      await problemOf(await fetch(`${server.url}${path}`, { method }), status);
  });

  it('logs every 401 with its correlation id and without the credential', async () => {
    const wrong = 'Bearer wrong-secret-91c2';
    const res = await post(JSON.stringify(event()), {
      authorization: wrong,
      'x-correlation-id': 'log-check-1',
    });
    await problemOf(res, 401);
    const bare = await post(JSON.stringify(event()), { authorization: 'naked-secret-55d1' });
    await problemOf(bare, 401);
    const lines = logLines.join('');
    expect(lines).toContain('"correlationId":"log-check-1"');
    expect(lines).toMatch(/ingestion request refused/);
    expect(lines).not.toContain('wrong-secret-91c2');
    expect(lines).not.toContain('naked-secret-55d1');
    expect(lines).not.toContain(token);
  });

  it('refuses a stale event with 422 and stamps the arrival time on an event without one', async () => {
    const old = event({ time: new Date(Date.now() - 31 * 86_400_000).toISOString() });
    const refused = await problemOf(await post(JSON.stringify(old), bearer), 422);
    expect(refused.events).toEqual([
      expect.objectContaining({
        index: 0,
        code: 'stale_event',
        reason: expect.stringMatching(/31 days old/),
      }),
    ]);
    const { time: _time, ...timeless } = event();
    const before = Date.now();
    expect((await post(JSON.stringify(timeless), bearer)).status).toBe(202);
    const published = await readEvents([timeless.id]);
    const time = Date.parse(String(published.get(timeless.id)!.time));
    expect(time).toBeGreaterThanOrEqual(before - 1000);
    expect(time).toBeLessThanOrEqual(Date.now());
  });

  it('describes every answer and media type in its OpenAPI document', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<
        string,
        { post: { requestBody: { content: object }; responses: Record<string, { content?: object }> } }
      >;
      components: { schemas: { Problem: { required: string[] } } };
    };
    const { requestBody, responses } = doc.paths['/events']!.post;
    expect(Object.keys(requestBody.content).sort()).toEqual([
      'application/cloudevents+json',
      'application/cloudevents-batch+json',
      'application/json',
    ]);
    for (const status of ['400', '401', '403', '405', '408', '413', '415', '422', '431', '503'])
      expect(Object.keys(responses[status]?.content ?? {}), status).toEqual(['application/problem+json']);
    expect(doc.components.schemas.Problem.required).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'correlation_id']),
    );
  });

  it('closes connections over the cap at once and keeps serving the rest', async () => {
    const idle: Socket[] = [];
    for (let i = 0; i < 20; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      idle.push(socket);
      await new Promise((r) => socket.once('connect', r));
    }
    const over = await raw((socket) => socket.write('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n'), 3000);
    expect(over.text).toBe('');
    for (const socket of idle) socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

async function readEvents(ids: string[]): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  const consumer = kafka.consumer({ groupId: uniqueName('hardening-reader'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic: settings.topics.events, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }: { message: KafkaMessage }) => {
      const value = JSON.parse(message.value!.toString()) as Record<string, unknown>;
      if (ids.includes(String(value.id))) found.set(String(value.id), value);
    },
  });
  const deadline = Date.now() + 20_000;
  while (found.size < ids.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await consumer.disconnect();
  return found;
}
