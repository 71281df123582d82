// POST /events as each principal: 403 with a reason for what its rights do not cover (counted in /metrics),
// and the authcontext of the authenticated principal on what reaches Kafka, whatever the client claimed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaMessage } from 'kafkajs';
import { createLifecycleEvent, parsePolicy, type NewEvent } from '@zendesk-lifecycle/core';
import { testKafka, uniqueName } from '@zendesk-lifecycle/kafka';
import { createLogger, type KafkaSettings } from '@zendesk-lifecycle/service-runtime';
import type { Publisher } from '../publisher.js';
import { signRequest } from './auth.js';
import { startIngestServer, type IngestServer } from './server.js';
import { eventsTopicWithPublisher } from '../testing/events-topic.js';

const kafka = testKafka('principals-test');
let settings: KafkaSettings;
let publisher: Publisher;
let server: IngestServer;
const secret = 'workday-signing-secret';

beforeAll(async () => {
  ({ settings, publisher } = await eventsTopicWithPublisher(kafka, 'principals'));
  server = await startIngestServer({
    publisher,
    port: 0,
    host: '127.0.0.1',
    logger: createLogger({ level: 'silent', pretty: false }),
    policy: parsePolicy({
      principals: {
        workday: {
          credentials: { hmac_keys: [{ id: 'wd-1', env: 'WD_KEY' }] },
          sources: ['hr/workday'],
          types: ['lifecycle.offboarding.v1', 'lifecycle.rehire.v1'],
        },
        okta: {
          credentials: { tokens: [{ env: 'OKTA_TOKEN' }] },
          sources: ['idp/*'],
          types: ['lifecycle.access_revoked.v1'],
          actions: ['suspend'],
        },
      },
      default_principal: false,
    }),
    env: { WD_KEY: secret, OKTA_TOKEN: 'okta-token' },
  });
});
afterAll(async () => {
  await server.stop();
  await publisher.stop();
});

const okta = { authorization: 'Bearer okta-token' };
const revoke = (input: Partial<NewEvent> = {}) =>
  createLifecycleEvent({
    type: 'lifecycle.access_revoked.v1',
    source: 'idp/okta',
    user: { email: 'leo@acme.test' },
    ...input,
  });
const post = (body: string, headers: Record<string, string>) =>
  fetch(`${server.url}/events`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/cloudevents+json', ...headers },
  });

async function published(ids: string[]): Promise<KafkaMessage[]> {
  const out: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('principals-reader'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic: settings.topics.events, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void out.push(message) });
  const has = () => ids.every((id) => out.some((m) => JSON.parse(m.value!.toString()).id === id));
  const deadline = Date.now() + 20_000;
  while (!has() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await consumer.disconnect();
  return out.filter((m) => ids.includes(JSON.parse(m.value!.toString()).id));
}

async function refusal(res: Response): Promise<{ status: number; detail: string }> {
  return { status: res.status, ...((await res.json()) as { detail: string }) };
}

describe('principals at the ingestion endpoint', () => {
  it('refuses with 403 and the reason: wrong source, wrong type, an action it may not name', async () => {
    expect(await refusal(await post(JSON.stringify(revoke({ source: 'hr/workday' })), okta))).toMatchObject({
      status: 403,
      detail: 'principal "okta" may not use source "hr/workday"',
    });
    const offboard = revoke({ type: 'lifecycle.offboarding.v1' });
    expect(await refusal(await post(JSON.stringify(offboard), okta))).toMatchObject({
      status: 403,
      detail: 'principal "okta" may not send lifecycle.offboarding.v1',
    });
    const deprovision = revoke({ actions: ['deprovision'] });
    expect(await refusal(await post(JSON.stringify(deprovision), okta))).toMatchObject({
      status: 403,
      detail: 'principal "okta" may not ask for deprovision in a lifecycle.access_revoked.v1 event',
    });
  });

  it('refuses a whole batch when one event is outside the rights, naming it', async () => {
    const batch = JSON.stringify([revoke(), revoke({ source: 'other' })]);
    const res = await post(batch, { ...okta, 'content-type': 'application/cloudevents-batch+json' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { events: unknown[] }).events).toEqual([
      { index: 1, reason: 'principal "okta" may not use source "other"' },
    ]);
  });

  it('refuses a token no principal holds (the default principal is off here)', async () => {
    const body = JSON.stringify(revoke());
    expect((await post(body, { authorization: 'Bearer some-token' })).status).toBe(401);
  });

  it('stamps the authcontext of the authenticated principal over whatever the client sent', async () => {
    const claimed = { ...revoke({ actions: ['suspend'] }), authtype: 'system', authid: 'workday' };
    expect((await post(JSON.stringify(claimed), okta)).status).toBe(202);

    // A signed binary-mode re-hire from workday: the ce-* headers are signed with the body.
    const head = {
      method: 'POST',
      url: '/events',
      headers: {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': uniqueName('bin'),
        'ce-source': 'hr/workday',
        'ce-type': 'lifecycle.rehire.v1',
        'ce-authid': 'okta',
        'ce-authtype': 'user',
      },
    };
    const body = JSON.stringify({ user: { id: 42 } });
    const res = await fetch(`${server.url}${head.url}`, {
      method: 'POST',
      body,
      headers: { ...head.headers, ...signRequest(secret, { ...head, body }, { keyId: 'wd-1' }) },
    });
    expect(res.status).toBe(202);

    const messages = await published([claimed.id, head.headers['ce-id']]);
    const contexts = messages.map((m) => {
      const event = JSON.parse(m.value!.toString()) as { id: string; authtype: string; authid: string };
      return [event.id, event.authtype, event.authid];
    });
    expect(contexts).toEqual(
      expect.arrayContaining([
        [claimed.id, 'service_account', 'okta'],
        [head.headers['ce-id'], 'service_account', 'workday'],
      ]),
    );
  });

  it('counts refusals by reason in /metrics', async () => {
    await post(JSON.stringify(revoke({ source: 'nope' })), okta);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/lifecycle_ingest_refused_total\{reason="forbidden"\} [1-9]/);
    expect(text).toMatch(/lifecycle_ingest_refused_total\{reason="unauthenticated"\} [1-9]/);
  });
});
