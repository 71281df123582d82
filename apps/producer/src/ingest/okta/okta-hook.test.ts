// Drives /okta/events as Okta does, against the real broker: the one-time verification, a delivery of mixed
// events (mapped and not), the same delivery again (Okta's retry), and a wrong secret.
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { KafkaMessage } from 'kafkajs';
import { parsePolicy, type LifecycleEvent, type Policy } from '@zendesk-lifecycle/core';
import { testKafka, uniqueName } from '@zendesk-lifecycle/kafka';
import type { KafkaSettings } from '@zendesk-lifecycle/service-runtime';
import type { Publisher } from '../../publisher.js';
import { eventsTopicWithPublisher } from '../../testing/events-topic.js';
import { startIngestServer, type IngestServer } from '../server.js';

const kafka = testKafka('okta-hook-test');
const secret = 'okta-shared-secret-7f3a91';
const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const verification = JSON.parse(readFileSync(fixture('verification-request.json'), 'utf8')) as {
  headers: Record<string, string>;
};

/** The documented delivery, each `published` re-stamped a few minutes ago (in order) so none is stale. */
function delivery(): string {
  const body = JSON.parse(readFileSync(fixture('event-batch.json'), 'utf8')) as {
    data: { events: Array<{ published: string }> };
  };
  const base = Date.now() - 10 * 60_000;
  body.data.events.forEach((e, i) => (e.published = new Date(base + i * 1000).toISOString()));
  return JSON.stringify(body);
}

const policy: Policy = parsePolicy({
  principals: {
    okta: {
      credentials: { tokens: [{ env: 'OKTA_HOOK_SECRET' }] },
      sources: ['okta'],
      types: ['lifecycle.offboarding.v1', 'lifecycle.access_revoked.v1', 'lifecycle.rehire.v1'],
      actions: ['downgrade', 'suspend', 'deprovision'],
    },
  },
  okta: { zendesk_app: { names: ['Zendesk'] } },
});

let settings: KafkaSettings;
let publisher: Publisher;
let server: IngestServer;
const logLines: string[] = [];

async function start(): Promise<IngestServer> {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  return startIngestServer({
    publisher,
    port: 0,
    host: '127.0.0.1',
    policy,
    env: { OKTA_HOOK_SECRET: secret },
    logger: pino({ level: 'info' }, sink),
  });
}

beforeAll(async () => {
  ({ settings, publisher } = await eventsTopicWithPublisher(kafka, 'okta-hook', 3));
  server = await start();
});
afterAll(async () => {
  await server.stop();
  await publisher.stop();
});

const hook = (target: IngestServer, init: RequestInit & { headers?: Record<string, string> }) =>
  fetch(`${target.url}/okta/events`, init);
const oktaPost = (target: IngestServer, body: string, authorization = secret) =>
  hook(target, {
    method: 'POST',
    body,
    headers: {
      'user-agent': 'Okta-Integrations',
      accept: 'application/json',
      'content-type': 'application/json',
      authorization,
    },
  });

/** Every record on the topic, read until `count` arrived (or 20 s), then a short wait for any extra. */
async function published(count: number): Promise<KafkaMessage[]> {
  const out: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('okta-reader'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic: settings.topics.events, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void out.push(message) });
  const deadline = Date.now() + 20_000;
  while (out.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 1000));
  await consumer.disconnect();
  return out;
}

const eventOf = (m: KafkaMessage) => JSON.parse(m.value!.toString()) as LifecycleEvent;

describe('Okta Event Hook', () => {
  it("answers Okta's one-time verification by echoing the challenge, with the secret only", async () => {
    const ok = await hook(server, {
      method: 'GET',
      headers: { ...verification.headers, authorization: secret },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/json');
    expect(await ok.json()).toEqual({
      verification: verification.headers['X-Okta-Verification-Challenge'],
    });

    const wrong = await hook(server, {
      method: 'GET',
      headers: { ...verification.headers, authorization: 'not-the-secret' },
    });
    expect(wrong.status).toBe(401);
    const missing = await hook(server, { method: 'GET', headers: { authorization: secret } });
    expect(missing.status).toBe(400);
  });

  it('refuses a wrong secret with 401, publishes nothing and never logs the secret', async () => {
    const res = await oktaPost(server, delivery(), 'wrong-secret-0b7e');
    expect(res.status).toBe(401);
    expect((await res.json()) as { type: string }).toMatchObject({
      type: 'urn:zendesk-lifecycle:problem:unauthenticated',
    });
    const none = await oktaPost(server, delivery(), '');
    expect(none.status).toBe(401);
    // (The next test finds exactly its six events on the topic: nothing from these requests.)
    const lines = logLines.join('');
    expect(lines).toMatch(/Okta hook request refused/);
    expect(lines).not.toContain('wrong-secret-0b7e');
    expect(lines).not.toContain(secret);
  });

  it('publishes one lifecycle event per mapped Okta event after Kafka acknowledged, and counts the rest', async () => {
    const res = await oktaPost(server, delivery());
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');

    const messages = await published(6);
    expect(messages).toHaveLength(6);
    const byId = new Map(messages.map((m) => [eventOf(m).id, { key: m.key!.toString(), event: eventOf(m) }]));
    const expected: Array<[string, string, string]> = [
      ['okta-a1f0c8e2-8f4b-11f1-9a01-0b6c1d2e3f41', 'lifecycle.offboarding.v1', 'alice.leaver@acme.test'],
      ['okta-c3d2eaf4-8f4b-11f1-9a01-0b6c1d2e3f43', 'lifecycle.offboarding.v1', 'bob.mover@acme.test'],
      ['okta-e5b40cf6-8f4b-11f1-9a01-0b6c1d2e3f45', 'lifecycle.access_revoked.v1', 'carol.review@acme.test'],
      ['okta-f6a51d07-8f4b-11f1-9a01-0b6c1d2e3f46', 'lifecycle.rehire.v1', 'carol.review@acme.test'],
      ['okta-07962e18-8f4c-11f1-9a01-0b6c1d2e3f47', 'lifecycle.rehire.v1', 'dave.rehire@acme.test'],
      ['okta-18a73f29-8f4c-11f1-9a01-0b6c1d2e3f48', 'lifecycle.offboarding.v1', 'erin.gone@acme.test'],
    ];
    for (const [id, type, email] of expected) {
      const got = byId.get(id);
      expect(got, id).toBeDefined();
      expect(got!.key).toBe(`email:${email}`);
      expect(got!.event).toMatchObject({
        type,
        source: 'okta',
        subject: `email:${email}`,
        authtype: 'service_account',
        authid: 'okta',
        data: { user: { email }, requested_by: 'Okta it.admin@acme.test' },
      });
    }
    // The Okta user id is kept for the audit ticket (its Reason line), with the System Log event's uuid.
    const alice = byId.get('okta-a1f0c8e2-8f4b-11f1-9a01-0b6c1d2e3f41')!.event;
    expect(alice.data.reason).toContain('Okta user id 00u1a1iceQwErTy0h8');
    expect(alice.data.reason).toContain('System Log event a1f0c8e2-8f4b-11f1-9a01-0b6c1d2e3f41');
    expect(alice.data.actions).toBeUndefined(); // the policy's offboarding plan
    const bob = byId.get('okta-c3d2eaf4-8f4b-11f1-9a01-0b6c1d2e3f43')!.event;
    expect(bob.data.reason).toContain('app Zendesk (0oa5zend3skAppId0h8)');
    const erin = byId.get('okta-18a73f29-8f4c-11f1-9a01-0b6c1d2e3f48')!.event;
    expect(erin.data.actions).toEqual(['downgrade', 'suspend', 'deprovision']);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('lifecycle_okta_events_total{outcome="published"} 6');
    expect(metrics).toContain(
      'lifecycle_okta_events_ignored_total{reason="unmapped",event_type="user.session.start"} 1',
    );
    expect(metrics).toContain(
      'lifecycle_okta_events_ignored_total{reason="not_zendesk_app",event_type="application.user_membership.remove"} 1',
    );
    expect(metrics).toContain(
      'lifecycle_okta_events_ignored_total{reason="failed_outcome",event_type="user.lifecycle.deactivate"} 1',
    );
  });

  it('a repeated delivery publishes nothing new; another instance publishes the same event ids', async () => {
    const again = await oktaPost(server, delivery());
    expect(again.status).toBe(200);
    // Everything was acknowledged before this read: a 7th record would come with the first six.
    expect(await published(6)).toHaveLength(6);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('lifecycle_okta_events_total{outcome="duplicate"} 6');

    // A second instance has not seen the uuids: it publishes again, under the same CloudEvent ids, which the
    // consumer deduplicates (no second distinct event).
    const other = await start();
    try {
      expect((await oktaPost(other, delivery())).status).toBe(200);
    } finally {
      await other.stop();
    }
    const all = await published(12);
    expect(all).toHaveLength(12);
    expect(new Set(all.map((m) => eventOf(m).id)).size).toBe(6);
  });

  it('refuses a body that is not an Okta delivery with 400 and publishes nothing', async () => {
    const res = await oktaPost(server, JSON.stringify({ events: [] }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { type: string }).type).toBe(
      'urn:zendesk-lifecycle:problem:invalid_hook_body',
    );
  });
});
