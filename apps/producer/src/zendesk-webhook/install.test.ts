// End to end: install the webhook through Zendesk's Webhooks API (the sandbox), pointing at a running ingestion
// service; a change made in Zendesk comes back as a record on the user-events topic; status shows the delivery.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaMessage } from 'kafkajs';
import { testKafka, uniqueName } from '@zendesk-lifecycle/kafka';
import { createLogger, kafkaSettingsFromEnv, type KafkaSettings } from '@zendesk-lifecycle/service-runtime';
import { createZendeskClient, type ZendeskClient } from '@zendesk-lifecycle/zendesk-client';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import type { Publisher } from '../publisher.js';
import { startIngestServer, type IngestServer } from '../ingest/server.js';
import { zendeskWebhookEndpoint, type ZendeskWebhookEndpoint } from '../ingest/zendesk-webhook/endpoint.js';
import {
  DEFAULT_WEBHOOK_NAME,
  USER_EVENT_SUBSCRIPTIONS,
  endpointUrl,
  formatStatus,
  installWebhook,
  webhookStatus,
} from './install.js';

const kafka = testKafka('zendesk-webhook-install-test');
const dir = mkdtempSync(join(tmpdir(), 'zwh-'));
const secretFile = join(dir, 'secret');
let settings: KafkaSettings;
let sandbox: RunningSandbox;
let zendesk: ZendeskClient;
let endpoint: ZendeskWebhookEndpoint;
let server: IngestServer;

beforeAll(async () => {
  const id = uniqueName('zwh-install');
  settings = kafkaSettingsFromEnv({
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    TOPIC_ZENDESK_USER_EVENTS: `${id}.user-events`,
  });
  sandbox = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 5, webhooks: { timeScale: 0.001 } });
  zendesk = createZendeskClient({
    baseUrl: sandbox.url,
    oauthClientId: sandbox.credentials.oauthClientId,
    oauthClientSecret: sandbox.credentials.oauthClientSecret,
    retry: { retries: 2, initialDelayMs: 10, maxDelayMs: 50 },
  });
  writeFileSync(secretFile, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  const logger = createLogger({ level: 'silent', pretty: false });
  endpoint = (await zendeskWebhookEndpoint(
    { ZENDESK_WEBHOOK_SECRET_FILE: secretFile },
    kafka,
    settings,
    logger,
  ))!;
  const unused: Publisher = {
    start: async () => undefined,
    stop: async () => undefined,
    publish: async () => [],
  };
  server = await startIngestServer({
    publisher: unused,
    port: 0,
    host: '127.0.0.1',
    allowUnauthenticated: true,
    logger,
    routes: endpoint.routes,
  });
});
afterAll(async () => {
  await server.stop();
  await endpoint.stop();
  await sandbox.stop();
});

async function records(count: number): Promise<KafkaMessage[]> {
  const out: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('zwh-install-reader'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic: settings.topics.userEvents, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void out.push(message) });
  const deadline = Date.now() + 20_000;
  while (out.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 300));
  await consumer.disconnect();
  return out;
}

describe('zendesk-webhook install and status', () => {
  it('checks the URL: https, or http on loopback; a bare origin gets the endpoint path', () => {
    expect(() => endpointUrl('http://ingest.example.com/zendesk/webhook')).toThrow(/https/);
    expect(() => endpointUrl('https://user:pw@ingest.example.com')).toThrow(/credentials/);
    expect(endpointUrl('https://ingest.example.com')).toBe('https://ingest.example.com/zendesk/webhook');
  });

  it('installs the webhook, and a change made in Zendesk lands on the user-events topic', async () => {
    expect(formatStatus(await webhookStatus(zendesk))).toMatch(/no webhook named/);
    const installed = await installWebhook(zendesk, { url: server.url, secretFile });
    expect(installed).toMatchObject({ action: 'created', secret: 'set_from_file', duplicates: [] });
    expect(installed.webhook).toMatchObject({
      name: DEFAULT_WEBHOOK_NAME,
      status: 'active',
      endpoint: `${server.url}/zendesk/webhook`,
      subscriptions: USER_EVENT_SUBSCRIPTIONS,
    });

    const port = zendesk.asPort({ destinationWaitMs: 0 });
    await port.suspend((await zendesk.getUser(DEMO_PEOPLE.reviewed.id))!, { idempotency_key: 'e2e-suspend' });
    await sandbox.webhooks.flush();
    const [record] = await records(1);
    expect(record!.key!.toString()).toBe(String(DEMO_PEOPLE.reviewed.id));
    const body = JSON.parse(record!.value!.toString());
    expect(body).toMatchObject({
      type: 'zen:event-type:user.suspended_changed',
      subject: `zen:user:${DEMO_PEOPLE.reviewed.id}`,
      event: { previous: false, current: true },
    });
    expect(record!.headers!['zendesk-event-id']!.toString()).toBe(body.id);

    const status = await webhookStatus(zendesk);
    expect(status).toMatchObject({
      missing: [],
      lastInvocation: { status: 'success', latest_completion_status: 200 },
    });
    const text = formatStatus(status);
    expect(text).toContain('status         active');
    expect(text).toMatch(/last delivery {2}\S+ success \(200\)/);
    expect(text).not.toContain(readFileSync(secretFile, 'utf8').trim());
  });

  it('updates the webhook in place on a second install, and writes the secret to a new file (0600)', async () => {
    const written = join(dir, 'written-secret');
    const again = await installWebhook(zendesk, {
      url: `${server.url}/zendesk/webhook`,
      secretFile: written,
    });
    expect(again).toMatchObject({ action: 'updated', secret: 'written_to_file' });
    expect(await zendesk.webhooks.list(DEFAULT_WEBHOOK_NAME)).toHaveLength(1);
    expect(readFileSync(written, 'utf8')).toBe(readFileSync(secretFile, 'utf8'));
    expect(statSync(written).mode & 0o777).toBe(0o600);
  });
});
