// Hostile input at the ingestion endpoint, over real HTTP: the producer's `serve` as its own process (as in
// production), fired at with broken, oversized, slow and garbled requests. Every answer must be a well-formed
// application/problem+json 4xx (never a 5xx, never a hang) and nothing but the one valid control event may
// reach the events topic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { createLifecycleEvent } from '@zendesk-lifecycle/core';
import {
  freePort,
  runTopics,
  startServiceProcess,
  testKafka,
  uniqueName,
  type ServiceProcess,
} from '@zendesk-lifecycle/kafka';

const run = uniqueName('hostile-ingest');
const topics = runTopics(run);
const token = `chaos-${run}`;
let service: ServiceProcess;
let port: number;
let output = '';

beforeAll(async () => {
  port = await freePort();
  service = await startServiceProcess({
    name: 'ingestion',
    entry: 'apps/producer/src/cli.ts',
    args: ['serve'],
    env: {
      KAFKA_BROKERS: process.env.KAFKA_BROKERS!,
      TOPIC_EVENTS: topics.TOPIC_EVENTS,
      INGEST_PORT: String(port),
      INGEST_HOST: '127.0.0.1',
      INGEST_TOKEN: token,
      INGEST_MAX_BODY_BYTES: String(64 * 1024),
      INGEST_HEADERS_TIMEOUT_SECONDS: '2',
      INGEST_BODY_TIMEOUT_SECONDS: '2',
      LOG_LEVEL: 'info',
    },
    readyUrl: `http://127.0.0.1:${port}/healthz`,
    output: (chunk) => void (output += chunk.toString()),
  });
}, 60_000);

afterAll(async () => {
  await service?.stop();
});

const base = {
  specversion: '1.0',
  id: 'hostile-1',
  source: 'hostile',
  type: 'lifecycle.access_revoked.v1' as const,
  data: { user: { email: 'rita@acme.test' } },
};
const ce = 'application/cloudevents+json';

/** Bodies that are not acceptable events (the hostile-input corpus of core's parser, sent over HTTP). */
const bodies: Array<[string, string | Uint8Array]> = [
  ['broken JSON', '{"specversion": "1.0", '],
  ['a JSON array in structured mode', '[1,2,3]'],
  ['a JSON string', '"hello"'],
  ['null', 'null'],
  ['an empty body', ''],
  ['wrong types', JSON.stringify({ ...base, id: 42, data: { user: { id: 'seven' } } })],
  ['an unknown type', JSON.stringify({ ...base, type: 'lifecycle.fire_everyone.v1' })],
  ['a huge field', JSON.stringify({ ...base, data: { ...base.data, reason: 'x'.repeat(300_000) } })],
  [
    'a reason over 2000 characters',
    JSON.stringify({ ...base, data: { ...base.data, reason: 'x'.repeat(3000) } }),
  ],
  ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
  [
    'an action outside the schema',
    JSON.stringify({ ...base, data: { ...base.data, actions: ['delete_everything'] } }),
  ],
  ['an extra data field', JSON.stringify({ ...base, data: { ...base.data, sudo: true } })],
  ['a null user', JSON.stringify({ ...base, data: { user: null } })],
  ['prototype pollution', '{"__proto__":{"admin":true},"specversion":"1.0"}'],
  ['deep nesting', `${'['.repeat(50_000)}${']'.repeat(50_000)}`],
  ['a stale event', JSON.stringify({ ...base, time: new Date(Date.now() - 40 * 86_400_000).toISOString() })],
  ['a wrong specversion', JSON.stringify({ ...base, specversion: '0.3' })],
];

/** A seeded generator, so a failing run can be repeated. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

async function send(
  body: string | Uint8Array | undefined,
  headers: Record<string, string>,
  options: { method?: string; path?: string } = {},
): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${port}${options.path ?? '/events'}`, {
    method: options.method ?? 'POST',
    headers,
    ...(body === undefined ? {} : { body }),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
}

/** Raw bytes over a socket (for what fetch will not send); the first answer on it, whole. */
function raw(write: (socket: ReturnType<typeof connect>) => void): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 15 s; got ${JSON.stringify(text.slice(0, 200))}`));
    }, 15_000);
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(guard);
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const contentType = /\r\ncontent-type: ([^\r]+)/i.exec(head)?.[1] ?? '';
      resolve({ status, contentType, body });
    });
    socket.on('connect', () => write(socket));
  });
}

const trickle = (socket: ReturnType<typeof connect>, first: string, more: string) => {
  socket.write(first);
  const timer = setInterval(() => (socket.writable ? socket.write(more) : clearInterval(timer)), 250);
  socket.on('close', () => clearInterval(timer));
};

describe('hostile input at the ingestion endpoint', () => {
  it('answers every hostile request with a problem+json 4xx and publishes nothing invalid', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const next = random(18);
    const junk = Array.from({ length: 40 }, () =>
      Uint8Array.from({ length: 1 + Math.floor(next() * 2048) }, () => Math.floor(next() * 256)),
    );
    const stale = { ...base, time: new Date(Date.now() - 40 * 86_400_000).toISOString() };
    const cases: Array<[string, () => Promise<Answer>]> = [
      ...bodies.map(([name, body]): [string, () => Promise<Answer>] => [
        `structured: ${name}`,
        () => send(body, { ...auth, 'content-type': ce }),
      ]),
      ...bodies.map(([name, body]): [string, () => Promise<Answer>] => [
        `batch: ${name}`,
        () =>
          send(typeof body === 'string' ? `[${body}]` : body, {
            ...auth,
            'content-type': 'application/cloudevents-batch+json',
          }),
      ]),
      ...junk.map((bytes, i): [string, () => Promise<Answer>] => [
        `random bytes #${i}`,
        () => send(bytes, { ...auth, 'content-type': i % 2 ? ce : 'application/cloudevents-batch+json' }),
      ]),
      [
        'a 101-event batch',
        () =>
          send(JSON.stringify(Array.from({ length: 101 }, () => base)), {
            ...auth,
            'content-type': 'application/cloudevents-batch+json',
          }),
      ],
      [
        'binary: unknown type',
        () =>
          send('{"user":{"id":1}}', {
            ...auth,
            'content-type': 'application/json',
            'ce-specversion': '1.0',
            'ce-id': 'b1',
            'ce-source': 'x',
            'ce-type': 'lifecycle.nope.v1',
          }),
      ],
      [
        'binary: no id',
        () =>
          send('{"user":{"id":1}}', {
            ...auth,
            'content-type': 'application/json',
            'ce-specversion': '1.0',
            'ce-source': 'x',
            'ce-type': base.type,
          }),
      ],
      [
        'binary: stale time',
        () =>
          send('{"user":{"id":1}}', {
            ...auth,
            'content-type': 'application/json',
            'ce-specversion': '1.0',
            'ce-id': 'b2',
            'ce-source': 'x',
            'ce-type': base.type,
            'ce-time': stale.time,
          }),
      ],
      ['no credential', () => send(JSON.stringify(base), { 'content-type': ce })],
      [
        'a wrong token',
        () => send(JSON.stringify(base), { authorization: 'Bearer nope', 'content-type': ce }),
      ],
      [
        'a token without a scheme',
        () => send(JSON.stringify(base), { authorization: token, 'content-type': ce }),
      ],
      [
        'garbage signature headers',
        () =>
          send(JSON.stringify(base), {
            'webhook-id': 'x',
            'webhook-timestamp': 'soon',
            'webhook-signature': 'v1,AAAA',
            'content-type': ce,
          }),
      ],
      [
        'a stale signature',
        () =>
          send(JSON.stringify(base), {
            'webhook-id': 'x',
            'webhook-timestamp': '1000000000',
            'webhook-signature': 'v1,AAAA',
            'content-type': ce,
          }),
      ],
      [
        'a forged signature',
        () =>
          send(JSON.stringify(base), {
            'webhook-id': 'x',
            'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
            'webhook-signature': 'v1,AAAA',
            'content-type': ce,
          }),
      ],
      ['text/plain', () => send(JSON.stringify(base), { ...auth, 'content-type': 'text/plain' })],
      ['no content type', () => send(JSON.stringify(base), auth)],
      [
        'a gzip body',
        () => send(JSON.stringify(base), { ...auth, 'content-type': ce, 'content-encoding': 'gzip' }),
      ],
      [
        'a latin-1 charset',
        () => send(JSON.stringify(base), { ...auth, 'content-type': `${ce}; charset=iso-8859-1` }),
      ],
      ['a body over the limit', () => send('x'.repeat(2 * 1024 * 1024), { ...auth, 'content-type': ce })],
      ['GET /events', () => send(undefined, auth, { method: 'GET' })],
      ['DELETE /events', () => send(undefined, auth, { method: 'DELETE' })],
      [
        'an unknown path',
        () => send(JSON.stringify(base), { ...auth, 'content-type': ce }, { path: '/events/../admin' }),
      ],
      ['a garbled request line', () => raw((s) => s.write('GARBAGE\r\n\r\n'))],
      ['binary junk instead of HTTP', () => raw((s) => s.write(Buffer.from(junk[0]!)))],
      [
        'a header with a bad character',
        () => raw((s) => s.write('POST /events HTTP/1.1\r\nhost: x\r\nx-a\u0001: b\r\n\r\n')),
      ],
      [
        'headers over 100 KiB',
        () =>
          raw((s) => s.write(`POST /events HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(100_000)}\r\n\r\n`)),
      ],
      [
        'content-length and chunked together',
        () =>
          raw((s) =>
            s.write(
              'POST /events HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n',
            ),
          ),
      ],
      [
        'a negative content-length',
        () => raw((s) => s.write('POST /events HTTP/1.1\r\nhost: x\r\ncontent-length: -1\r\n\r\n')),
      ],
      [
        'a chunked body that lies about its chunk size',
        () =>
          raw((s) =>
            s.write(
              `POST /events HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${token}\r\ncontent-type: ${ce}\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
            ),
          ),
      ],
      [
        'a streamed body over the limit',
        () =>
          raw((s) =>
            trickle(
              s,
              `POST /events HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${token}\r\ncontent-type: ${ce}\r\ntransfer-encoding: chunked\r\n\r\n`,
              `8000\r\n${' '.repeat(0x8000)}\r\n`,
            ),
          ),
      ],
      [
        'headers sent slowly',
        () => raw((s) => trickle(s, 'POST /events HTTP/1.1\r\nhost: x\r\n', 'x-slow: 1\r\n')),
      ],
      [
        'a body sent slowly',
        () =>
          raw((s) =>
            trickle(
              s,
              `POST /events HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${token}\r\ncontent-type: ${ce}\r\ncontent-length: 5000\r\n\r\n`,
              ' ',
            ),
          ),
      ],
    ];

    const started = Date.now();
    const answers = await Promise.all(
      cases.map(async ([name, fire]) => ({
        name,
        answer: await fire().catch((e: Error) => ({ status: 0, contentType: '', body: e.message })),
      })),
    );
    const wrong = answers.flatMap(({ name, answer }) => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(answer.body) as Record<string, unknown>;
      } catch {
        // not JSON: reported below
      }
      const wellFormed =
        answer.status >= 400 &&
        answer.status < 500 &&
        answer.contentType === 'application/problem+json' &&
        body.status === answer.status &&
        typeof body.type === 'string' &&
        typeof body.title === 'string' &&
        typeof body.detail === 'string' &&
        typeof body.correlation_id === 'string';
      return wellFormed
        ? []
        : [`${name}: ${answer.status} ${answer.contentType} ${answer.body.slice(0, 160)}`];
    });
    expect(wrong).toEqual([]);
    console.log(
      `[chaos] hostile-ingest: requests=${cases.length} statuses=${JSON.stringify(
        answers.reduce<Record<number, number>>(
          (n, { answer }) => ({ ...n, [answer.status]: (n[answer.status] ?? 0) + 1 }),
          {},
        ),
      )} seconds=${((Date.now() - started) / 1000).toFixed(1)}`,
    );

    // The endpoint still works, and only that one valid event reached the topic.
    const control = createLifecycleEvent({
      type: base.type,
      source: 'hostile',
      user: { email: 'rita@acme.test' },
    });
    expect((await send(JSON.stringify(control), { ...auth, 'content-type': ce })).status).toBe(202);
    expect(await eventIds()).toEqual([control.id]);
    expect(output).not.toContain(token);
  }, 60_000);
});

/** The ids of every record on this run's events topic. */
async function eventIds(): Promise<string[]> {
  const kafka = testKafka(run);
  const ids: string[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('hostile-reader'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.TOPIC_EVENTS, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const text = message.value?.toString() ?? '';
      let id = text;
      try {
        id = String((JSON.parse(text) as { id?: unknown }).id);
      } catch {
        // keep the raw text: it is not an event
      }
      ids.push(id);
    },
  });
  const deadline = Date.now() + 15_000;
  while (ids.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 1000));
  await consumer.disconnect();
  return ids;
}
