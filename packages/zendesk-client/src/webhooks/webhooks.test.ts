// The client's Webhooks API calls against the sandbox, and the events the sandbox sends for changes made through
// this client (core reads them: ZendeskUserEventSchema, userChangeOf).
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_PEOPLE,
  startSandbox,
  startWebhookReceiver,
  type RunningSandbox,
  type WebhookReceiver,
} from '@zendesk-lifecycle/zendesk-sandbox';
import { userChangeOf, ZendeskUserEventSchema } from '@zendesk-lifecycle/core';
import { createZendeskClient, type ZendeskClient } from '../index.js';

let sandbox: RunningSandbox;
let receiver: WebhookReceiver;
let client: ZendeskClient;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 5, webhooks: { timeScale: 0.001 } });
  receiver = await startWebhookReceiver();
  client = createZendeskClient({
    baseUrl: sandbox.url,
    oauthClientId: sandbox.credentials.oauthClientId,
    oauthClientSecret: sandbox.credentials.oauthClientSecret,
    retry: { retries: 2, initialDelayMs: 10, maxDelayMs: 50 },
  });
});
afterAll(async () => {
  await sandbox.stop();
  await receiver.stop();
});

const subscriptions = [
  'zen:event-type:user.role_changed',
  'zen:event-type:user.custom_role_changed',
  'zen:event-type:user.active_changed',
  'zen:event-type:user.suspended_changed',
  'zen:event-type:user.group_membership_created',
  'zen:event-type:user.group_membership_deleted',
];

describe('the Webhooks API through the client', () => {
  it('creates, finds, updates, reads the secret of, and deletes a webhook', async () => {
    const created = await client.webhooks.create({
      name: 'client test',
      status: 'active',
      endpoint: receiver.url,
      subscriptions,
      signingSecret: 'a-secret-of-our-own-0123456789',
    });
    expect(created).toMatchObject({ name: 'client test', http_method: 'POST', request_format: 'json' });
    expect((await client.webhooks.list('client')).map((w) => w.id)).toEqual([created.id]);
    expect(await client.webhooks.signingSecret(created.id)).toBe('a-secret-of-our-own-0123456789');
    await client.webhooks.update(created.id, {
      name: 'client test',
      status: 'inactive',
      endpoint: `${receiver.url}/2`,
      subscriptions,
    });
    expect(await client.webhooks.get(created.id)).toMatchObject({
      status: 'inactive',
      endpoint: `${receiver.url}/2`,
    });
    const fresh = await client.webhooks.resetSigningSecret(created.id);
    expect(fresh).not.toBe('a-secret-of-our-own-0123456789');
    await client.webhooks.delete(created.id);
    expect(await client.webhooks.get(created.id)).toBeNull();
  });

  it("gets signed events for the changes this client makes, which core's reader understands", async () => {
    const hook = await client.webhooks.create({
      name: 'events',
      status: 'active',
      endpoint: receiver.url,
      subscriptions,
    });
    const secret = await client.webhooks.signingSecret(hook.id);
    const port = client.asPort({ destinationWaitMs: 0 });
    const leo = (await client.getUser(DEMO_PEOPLE.leaver.id))!;
    await port.downgrade(leo, {
      idempotency_key: 'wh-downgrade',
      reassign_to: [{ agent: { email: DEMO_PEOPLE.manager.email } }],
    });
    await port.suspend((await client.getUser(DEMO_PEOPLE.reviewed.id))!, { idempotency_key: 'wh-suspend' });
    await sandbox.webhooks.flush();

    const changes = receiver.received.map((r) => {
      const timestamp = r.headers['x-zendesk-webhook-signature-timestamp']!;
      expect(r.headers['x-zendesk-webhook-signature']).toBe(
        createHmac('sha256', secret)
          .update(timestamp + r.body)
          .digest('base64'),
      );
      return userChangeOf(ZendeskUserEventSchema.parse(JSON.parse(r.body)));
    });
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          user_id: DEMO_PEOPLE.leaver.id,
          role: 'end-user',
          change: { kind: 'role', previous: 'agent', current: 'end-user' },
        }),
        expect.objectContaining({
          user_id: DEMO_PEOPLE.leaver.id,
          change: { kind: 'group_removed', group_id: expect.any(Number) },
        }),
        expect.objectContaining({
          user_id: DEMO_PEOPLE.reviewed.id,
          change: { kind: 'suspended', previous: false, current: true },
        }),
      ]),
    );
    const [last] = await client.webhooks.invocations(hook.id, 1);
    expect(last).toMatchObject({ status: 'success', latest_completion_status: 200 });
  });
});
