import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaMessage } from 'kafkajs';
import { createLifecycleEvent, EVENT_TYPES, parsePolicy } from '@zendesk-lifecycle/core';
import { testKafka, uniqueName } from '@zendesk-lifecycle/kafka';
import { createLogger, type KafkaSettings } from '@zendesk-lifecycle/service-runtime';
import type { Publisher } from '../publisher.js';
import { signRequest } from './auth.js';
import { startIngestServer, type IngestServer } from './server.js';
import { eventsTopicWithPublisher } from '../testing/events-topic.js';

const kafka = testKafka('ingest-test');
let settings: KafkaSettings;
let publisher: Publisher;
let server: IngestServer;
const token = 'test-token';
const secret = 'test-secret';

beforeAll(async () => {
  ({ settings, publisher } = await eventsTopicWithPublisher(kafka, 'ingest', 3));
  server = await startIngestServer({
    publisher,
    port: 0,
    host: '127.0.0.1',
    token,
    // INGEST_TOKEN's principal `default` for bearer requests, and a principal that signs (Standard Webhooks).
    policy: parsePolicy({
      principals: {
        signer: {
          credentials: { hmac_keys: [{ id: 'k1', env: 'SIGNER_KEY' }] },
          sources: ['*'],
          types: [...EVENT_TYPES],
        },
      },
    }),
    env: { SIGNER_KEY: secret },
    maxBodyBytes: 64 * 1024,
    logger: createLogger({ level: 'silent', pretty: false }),
  });
});
afterAll(async () => {
  await server.stop();
  await publisher.stop();
});

const event = (email = 'leo@acme.test') =>
  createLifecycleEvent({ type: 'lifecycle.access_revoked.v1', source: 'test', user: { email } });
const post = (body: string, headers: Record<string, string>) =>
  fetch(`${server.url}/events`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/cloudevents+json', ...headers },
  });
const bearer = { authorization: `Bearer ${token}` };

async function published(count: number): Promise<KafkaMessage[]> {
  const out: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('ingest-reader'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic: settings.topics.events, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void out.push(message) });
  const deadline = Date.now() + 20_000;
  while (out.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 300));
  await consumer.disconnect();
  return out;
}

describe('HTTP ingestion', () => {
  it('accepts a structured event with a bearer token, a batch with an HMAC signature and a binary event, after Kafka acknowledged', async () => {
    const one = event();
    const res = await post(JSON.stringify(one), bearer);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: [{ id: one.id, key: 'email:leo@acme.test' }] });

    const batch = JSON.stringify([event('a@acme.test'), event('b@acme.test')]);
    const signed = await post(batch, {
      'content-type': 'application/cloudevents-batch+json',
      ...signRequest(secret, {
        method: 'POST',
        url: '/events',
        headers: { 'content-type': 'application/cloudevents-batch+json' },
        body: batch,
      }),
    });
    expect(signed.status).toBe(202);

    const binary = await fetch(`${server.url}/events`, {
      method: 'POST',
      body: JSON.stringify({ user: { id: 42 } }),
      headers: {
        ...bearer,
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': 'bin-1',
        'ce-source': 'idp',
        'ce-type': 'lifecycle.rehire.v1',
      },
    });
    expect(binary.status).toBe(202);

    const messages = await published(4);
    expect(messages.map((m) => m.key!.toString()).sort()).toEqual([
      'email:a@acme.test',
      'email:b@acme.test',
      'email:leo@acme.test',
      'id:42',
    ]);
    expect(messages[0]!.headers!['content-type']!.toString()).toBe('application/cloudevents+json');
  });

  it('answers 400 with field-level reasons and publishes nothing of an invalid batch', async () => {
    const bad = { ...event(), data: { user: { email: 'not-an-email' } } };
    const batch = JSON.stringify([event('ok@acme.test'), bad]);
    const res = await post(batch, { ...bearer, 'content-type': 'application/cloudevents-batch+json' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      events: Array<{ index: number; code: string; issues: Array<{ path: string }> }>;
    };
    expect(body.events[0]).toMatchObject({ index: 1, code: 'invalid_data' });
    expect(body.events[0]!.issues[0]!.path).toBe('data.user.email');
    const messages = await published(4);
    expect(messages.some((m) => m.key!.toString() === 'email:ok@acme.test')).toBe(false);
  });

  it('refuses missing or wrong credentials and a bad signature', async () => {
    const body = JSON.stringify(event());
    expect((await post(body, {})).status).toBe(401);
    expect((await post(body, { authorization: 'Bearer wrong' })).status).toBe(401);
    const head = {
      method: 'POST',
      url: '/events',
      headers: { 'content-type': 'application/cloudevents+json' },
    };
    expect((await post(body, signRequest('other', { ...head, body }))).status).toBe(401);
  });

  it('refuses an oversized body with 413', async () => {
    const huge = JSON.stringify({
      ...event(),
      data: { user: { email: 'x@acme.test' }, reason: 'x'.repeat(100_000) },
    });
    // An answer, not a reset: a network error would fail here (hardening.test.ts covers streamed bodies).
    const res = await post(huge, bearer);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/65536 bytes/);
  });

  it('accepts a replayed event again (the consumer is idempotent)', async () => {
    const again = JSON.stringify(event('replay@acme.test'));
    expect((await post(again, bearer)).status).toBe(202);
    expect((await post(again, bearer)).status).toBe(202);
  });

  it('serves its OpenAPI description', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/events');
    expect(Object.keys(doc.components.schemas)).toContain('lifecycle_offboarding_v1');
  });

  it('refuses to start without credentials unless on loopback in the demo', async () => {
    await expect(
      startIngestServer({
        publisher,
        port: 0,
        host: '0.0.0.0',
        logger: createLogger({ level: 'silent', pretty: false }),
      }),
    ).rejects.toThrow(/INGEST_TOKEN/);
  });
});
