// The Zendesk webhook endpoint: a genuine request (signed as Zendesk documents) lands on the user-events topic,
// keyed by the Zendesk user id, its body unchanged, with the header zendesk-event-id; a bad signature, an old
// timestamp and a replay are refused; a retried delivery (same event id, signed anew) is not published twice.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaMessage } from 'kafkajs';
import { testKafka, uniqueName } from '@zendesk-lifecycle/kafka';
import {
  createLogger,
  ensureTopics,
  kafkaSettingsFromEnv,
  type KafkaSettings,
} from '@zendesk-lifecycle/service-runtime';
import type { Publisher } from '../../publisher.js';
import { startIngestServer, type IngestServer } from '../server.js';
import { createUserEventsPublisher, type UserEventsPublisher } from './publisher.js';
import { ZENDESK_WEBHOOK_PATH, zendeskWebhookRoute } from './route.js';

const kafka = testKafka('zendesk-webhook-test');
const secret = 'dGhlLXdlYmhvb2stc2lnbmluZy1zZWNyZXQ';
let settings: KafkaSettings;
let publisher: UserEventsPublisher;
let server: IngestServer;

/** An envelope as Zendesk's user event reference shows it (values our own). */
const envelope = (id: string, userId = 4201) => ({
  account_id: 901,
  detail: {
    created_at: '2026-01-05T10:00:00Z',
    email: 'ada@example.com',
    external_id: 'HR-4201',
    default_group_id: '77',
    id: String(userId),
    organization_id: null,
    role: 'end-user',
    updated_at: '2026-11-30T09:00:00Z',
  },
  event: { current: 'end-user', previous: 'agent' },
  id,
  subject: `zen:user:${userId}`,
  time: '2026-11-30T09:00:00Z',
  type: 'zen:event-type:user.role_changed',
  zendesk_event_version: '2022-11-06',
});

const stamp = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');
function signed(body: string, at = new Date(), key = secret): Record<string, string> {
  const timestamp = stamp(at);
  return {
    'content-type': 'application/json; charset=utf-8',
    'x-zendesk-webhook-signature-timestamp': timestamp,
    'x-zendesk-webhook-signature': createHmac('sha256', key)
      .update(timestamp + body)
      .digest('base64'),
  };
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers loosely
const read = async (res: Response) => (await res.json()) as Record<string, any>;
const post = (body: string, headers: Record<string, string>) =>
  fetch(`${server.url}${ZENDESK_WEBHOOK_PATH}`, { method: 'POST', body, headers });

async function records(count: number, waitMs = 20_000): Promise<KafkaMessage[]> {
  const out: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('zendesk-webhook-reader'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic: settings.topics.userEvents, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void out.push(message) });
  const deadline = Date.now() + waitMs;
  while (out.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500));
  await consumer.disconnect();
  return out;
}

beforeAll(async () => {
  const id = uniqueName('zwh');
  settings = kafkaSettingsFromEnv({
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    TOPIC_EVENTS: `${id}.events`,
    TOPIC_ZENDESK_USER_EVENTS: `${id}.user-events`,
  });
  expect(await ensureTopics(kafka, settings, ['userEvents'])).toEqual([settings.topics.userEvents]);
  publisher = createUserEventsPublisher(settings, kafka);
  await publisher.start();
  const logger = createLogger({ level: 'silent', pretty: false });
  const unused: Publisher = {
    start: async () => undefined,
    stop: async () => undefined,
    publish: async () => {
      throw new Error('not for lifecycle events');
    },
  };
  server = await startIngestServer({
    publisher: unused,
    port: 0,
    host: '127.0.0.1',
    allowUnauthenticated: true,
    logger,
    routes: { [ZENDESK_WEBHOOK_PATH]: zendeskWebhookRoute({ publisher, secrets: [secret], logger }) },
  });
});
afterAll(async () => {
  await server.stop();
  await publisher.stop();
});

describe('the Zendesk webhook endpoint', () => {
  it('publishes a genuine event after Kafka acknowledged it: keyed by user, body unchanged, event id header', async () => {
    const body = JSON.stringify(envelope('0f6f7a11-0000-4000-8000-000000000001'));
    const res = await post(body, signed(body));
    expect(res.status).toBe(200);
    expect(await read(res)).toEqual({
      status: 'accepted',
      event_id: '0f6f7a11-0000-4000-8000-000000000001',
      key: '4201',
    });
    const [record, ...more] = await records(1);
    expect(more).toEqual([]);
    expect(record!.key!.toString()).toBe('4201');
    expect(record!.value!.toString()).toBe(body);
    expect(record!.headers!['zendesk-event-id']!.toString()).toBe('0f6f7a11-0000-4000-8000-000000000001');
  });

  it('refuses a bad signature, a wrong secret, missing headers, an old or future timestamp, and a replay', async () => {
    const body = JSON.stringify(envelope('0f6f7a11-0000-4000-8000-000000000002', 4202));
    const good = signed(body);
    const tampered = await post(body.replace('end-user', 'admin'), good);
    expect(tampered.status).toBe(401);
    expect((await read(tampered)).type).toBe('urn:zendesk-lifecycle:problem:signature_invalid');
    expect((await post(body, signed(body, new Date(), 'another-secret'))).status).toBe(401);
    expect((await post(body, { 'content-type': 'application/json' })).status).toBe(401);
    const old = await post(body, signed(body, new Date(Date.now() - 6 * 60_000)));
    expect(old.status).toBe(401);
    expect((await read(old)).type).toBe('urn:zendesk-lifecycle:problem:timestamp_outside_window');
    expect((await post(body, signed(body, new Date(Date.now() + 6 * 60_000)))).status).toBe(401);

    expect((await post(body, good)).status).toBe(200);
    const replay = await post(body, good);
    expect(replay.status).toBe(401);
    expect((await read(replay)).type).toBe('urn:zendesk-lifecycle:problem:replayed');
    // Zendesk's retry of the same event, signed anew a second later: acknowledged, not published again.
    const again = await post(body, signed(body, new Date(Date.now() + 1000)));
    expect(again.status).toBe(200);
    expect(await read(again)).toMatchObject({ status: 'duplicate' });
    const keys = (await records(2)).map((r) => r.key!.toString());
    expect(keys.filter((k) => k === '4202')).toHaveLength(1);
  });

  it('refuses a signed body that is not a Zendesk user event, naming the field', async () => {
    const body = JSON.stringify({
      ...envelope('0f6f7a11-0000-4000-8000-000000000003'),
      subject: 'zen:ticket:1',
    });
    const res = await post(body, signed(body));
    expect(res.status).toBe(400);
    expect((await read(res)).issues).toEqual([expect.objectContaining({ path: 'subject' })]);
  });
});
