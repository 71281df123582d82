// The Webhooks API and delivery of user events (developer.zendesk.com: Webhooks API, "Verifying webhook
// authenticity", "Webhook retries", event types > user events): signed events for every user change, whoever
// makes it, and Zendesk's retries on failure.
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_PEOPLE,
  startSandbox,
  startWebhookReceiver,
  type RunningSandbox,
  type WebhookReceiver,
} from './index.js';
import { api } from './testing/http-client.js';

let sandbox: RunningSandbox;
let receiver: WebhookReceiver;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0, webhooks: { timeScale: 0.001, sweepMs: 20 } });
  receiver = await startWebhookReceiver();
  call = api(sandbox);
});
afterAll(async () => {
  await sandbox.stop();
  await receiver.stop();
});
afterEach(async () => {
  for (const w of sandbox.webhooks.list()) await call('DELETE', `/webhooks/${w.id}`);
  receiver.received.length = 0;
  sandbox.reset();
});

const USER_EVENTS = [
  'zen:event-type:user.created',
  'zen:event-type:user.role_changed',
  'zen:event-type:user.custom_role_changed',
  'zen:event-type:user.active_changed',
  'zen:event-type:user.suspended_changed',
  'zen:event-type:user.group_membership_created',
  'zen:event-type:user.group_membership_deleted',
];

async function install(subscriptions = USER_EVENTS, endpoint = receiver.url) {
  const res = await call('POST', '/webhooks', {
    webhook: {
      name: 'lifecycle',
      status: 'active',
      endpoint,
      http_method: 'POST',
      request_format: 'json',
      subscriptions,
    },
  });
  expect(res.status).toBe(201);
  const secret = (await call('GET', `/webhooks/${res.body.webhook.id}/signing_secret`)).body.signing_secret
    .secret as string;
  return { id: res.body.webhook.id as string, secret };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read bodies loosely
const events = () => receiver.received.map((r) => JSON.parse(r.body) as Record<string, any>);

describe('the Webhooks API', () => {
  it('creates, lists, shows, updates and deletes webhooks; shows and resets the signing secret', async () => {
    const { id, secret } = await install();
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const shown = (await call('GET', `/webhooks/${id}`)).body.webhook;
    expect(shown).toMatchObject({ name: 'lifecycle', status: 'active', subscriptions: USER_EVENTS });
    expect(JSON.stringify(shown)).not.toContain(secret);
    expect((await call('GET', '/webhooks?filter[name_contains]=LIFE')).body.webhooks).toHaveLength(1);
    expect((await call('GET', '/webhooks?filter[name_contains]=other')).body.webhooks).toHaveLength(0);
    const put = await call('PUT', `/webhooks/${id}`, {
      webhook: { ...shown, status: 'inactive', subscriptions: ['zen:event-type:user.role_changed'] },
    });
    expect(put.status).toBe(204);
    expect((await call('GET', `/webhooks/${id}`)).body.webhook).toMatchObject({
      status: 'inactive',
      subscriptions: ['zen:event-type:user.role_changed'],
    });
    const reset = await call('POST', `/webhooks/${id}/signing_secret`);
    expect(reset.status).toBe(201);
    expect(reset.body.signing_secret.secret).not.toBe(secret);
    expect((await call('GET', `/webhooks/${id}/signing_secret`)).body.signing_secret.secret).toBe(
      reset.body.signing_secret.secret,
    );
    expect((await call('DELETE', `/webhooks/${id}`)).status).toBe(204);
    const gone = await call('GET', `/webhooks/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.errors[0].code).toBe('WebhookNotFound');
  });

  it('refuses what Zendesk refuses: event subscriptions need POST and json; no mixing with triggers; admins only', async () => {
    const base = { name: 'x', status: 'active', endpoint: receiver.url, request_format: 'json' };
    const get = await call('POST', '/webhooks', {
      webhook: { ...base, http_method: 'GET', subscriptions: USER_EVENTS },
    });
    expect(get.status).toBe(400);
    expect(get.body.errors[0].source.pointer).toBe('/webhook/http_method');
    const mixed = await call('POST', '/webhooks', {
      webhook: { ...base, http_method: 'POST', subscriptions: ['conditional_ticket_events', USER_EVENTS[0]] },
    });
    expect(mixed.status).toBe(400);
    const agent = api(
      sandbox,
      `Basic ${Buffer.from(`${DEMO_PEOPLE.agent.email}/token:${sandbox.credentials.token}`).toString('base64')}`,
    );
    expect((await agent('GET', '/webhooks')).status).toBe(403);
  });
});

describe('delivery of user events', () => {
  it('posts every user change an API caller makes, as signed Zendesk envelopes', async () => {
    const { id, secret } = await install();
    const leo = DEMO_PEOPLE.leaver.id;
    expect((await call('PUT', `/users/${leo}`, { user: { suspended: true } })).status).toBe(200);
    expect((await call('PUT', `/users/${leo}`, { user: { role: 'end-user' } })).status).toBe(200);
    await sandbox.webhooks.flush();
    const created = await call('POST', '/users', { user: { name: 'New Person', email: 'new@acme.test' } });
    const newId = created.body.user.id as number;
    await call('POST', '/group_memberships', {
      group_membership: { user_id: DEMO_PEOPLE.owner.id, group_id: 2 },
    });
    expect((await call('DELETE', `/users/${DEMO_PEOPLE.agent.id}`)).status).toBe(200);
    await sandbox.webhooks.flush();

    const got = events();
    const types = got.map((e) => `${e.subject} ${e.type.replace('zen:event-type:user.', '')}`);
    expect(types).toEqual(
      expect.arrayContaining([
        `zen:user:${leo} suspended_changed`,
        `zen:user:${leo} role_changed`,
        `zen:user:${leo} group_membership_deleted`,
        `zen:user:${newId} created`,
        `zen:user:${DEMO_PEOPLE.owner.id} group_membership_created`,
        `zen:user:${DEMO_PEOPLE.agent.id} active_changed`,
      ]),
    );
    const role = got.find((e) => e.type === 'zen:event-type:user.role_changed')!;
    expect(role).toMatchObject({
      account_id: expect.any(Number),
      id: expect.any(String),
      time: expect.stringMatching(/Z$/),
      zendesk_event_version: expect.any(String),
      subject: `zen:user:${leo}`,
      detail: { id: String(leo), role: 'end-user', email: DEMO_PEOPLE.leaver.email },
      event: { previous: 'agent', current: 'end-user' },
    });
    expect(got.find((e) => e.type.endsWith('suspended_changed'))!.event).toEqual({
      previous: false,
      current: true,
    });
    expect(got.find((e) => e.type.endsWith('active_changed'))!.event).toEqual({
      previous: true,
      current: false,
    });
    expect(got.find((e) => e.type.endsWith('group_membership_created'))!.event).toEqual({ group_id: '2' });
    // Each request signed: base64(HMAC-SHA256(timestamp + body)) with the webhook's secret.
    for (const r of receiver.received) {
      const timestamp = r.headers['x-zendesk-webhook-signature-timestamp']!;
      expect(timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(r.headers['x-zendesk-webhook-signature']).toBe(
        createHmac('sha256', secret)
          .update(timestamp + r.body)
          .digest('base64'),
      );
      expect(r.headers['x-zendesk-webhook-id']).toBe(id);
      expect(r.headers['content-type']).toMatch(/application\/json/);
    }
    // Event ids are unique (what a receiver deduplicates on).
    expect(new Set(got.map((e) => e.id)).size).toBe(got.length);
  });

  it('sends only subscribed types to active webhooks, and reports changes made outside a request (bulk jobs, direct edits)', async () => {
    const { id } = await install(['zen:event-type:user.role_changed']);
    sandbox.state.users.get(DEMO_PEOPLE.rehire.id)!.suspended = false;
    sandbox.state.users.get(DEMO_PEOPLE.manager.id)!.role = 'admin';
    await receiver.waitFor(1);
    await sandbox.webhooks.flush();
    expect(events().map((e) => e.type)).toEqual(['zen:event-type:user.role_changed']);
    await call('PATCH', `/webhooks/${id}`, { webhook: { status: 'inactive' } });
    await call('PUT', `/users/${DEMO_PEOPLE.leaver.id}`, { user: { role: 'end-user' } });
    await sandbox.webhooks.flush();
    expect(receiver.received).toHaveLength(1);
  });
});

describe('retries, as Zendesk documents them', () => {
  const change = async () => {
    await call('PUT', `/users/${DEMO_PEOPLE.leaver.id}`, { user: { suspended: true } });
    await sandbox.webhooks.flush();
  };
  const invocations = async (id: string) =>
    (await call('GET', `/webhooks/${id}/invocations`)).body.invocations;

  it('retries a 503 and a 409 until delivered, re-signing each attempt; the invocation says so', async () => {
    const { id } = await install(['zen:event-type:user.suspended_changed']);
    receiver.answer(503, 409);
    await change();
    expect(receiver.received.map((r) => r.answered)).toEqual([503, 409, 200]);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1); // the same event each time
    const [invocation] = await invocations(id);
    expect(invocation).toMatchObject({ status: 'success', latest_completion_status: 200, attempts: 3 });
    const attempts = (await call('GET', `/webhooks/${id}/invocations/${invocation.id}/attempts`)).body
      .attempts;
    expect(attempts.map((a: { status: number }) => a.status)).toEqual([503, 409, 200]);
  });

  it('gives up after 3 retries of a 409, does not retry a 500, nor a 429 asking for a minute or more', async () => {
    const { id } = await install(['zen:event-type:user.suspended_changed']);
    receiver.answer(409, 409, 409, 409);
    await change();
    expect(receiver.received).toHaveLength(4);
    expect((await invocations(id))[0]).toMatchObject({ status: 'failed', latest_completion_status: 409 });

    receiver.received.length = 0;
    receiver.answer(500);
    await call('PUT', `/users/${DEMO_PEOPLE.leaver.id}`, { user: { suspended: false } });
    await sandbox.webhooks.flush();
    expect(receiver.received.map((r) => r.answered)).toEqual([500]);

    receiver.received.length = 0;
    receiver.answer({ status: 429, headers: { 'retry-after': '120' } });
    await change();
    expect(receiver.received.map((r) => r.answered)).toEqual([429]);
  });

  it('retries an endpoint it cannot reach up to 5 times', async () => {
    const { id } = await install(['zen:event-type:user.suspended_changed'], 'http://127.0.0.1:9/unreachable');
    await change();
    const [invocation] = await invocations(id);
    expect(invocation).toMatchObject({ status: 'failed', latest_completion_status: null, attempts: 6 });
  });

  it('stops retrying when the sandbox stops (a retry waiting its turn gives up at once)', async () => {
    const other = await startSandbox({ seed: 'demo', rpm: 0 }); // real waits: the first retry after 1 s
    const hooks = api(other);
    await hooks('POST', '/webhooks', {
      webhook: {
        name: 'stopping',
        status: 'active',
        endpoint: receiver.url,
        http_method: 'POST',
        request_format: 'json',
        subscriptions: ['zen:event-type:user.suspended_changed'],
      },
    });
    receiver.answer(503);
    await hooks('PUT', `/users/${DEMO_PEOPLE.leaver.id}`, { user: { suspended: true } });
    await receiver.waitFor(1);
    const started = Date.now();
    await other.stop();
    await other.webhooks.flush();
    expect(Date.now() - started).toBeLessThan(900);
    expect(other.webhooks.invocations[0]).toMatchObject({ status: 'failed' });
    expect(receiver.received).toHaveLength(1);
  });
});
