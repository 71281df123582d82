// The accounts snapshot kept current between full syncs by Zendesk's user events (issue 24), on the real broker
// and the sandbox: a downgrade, a suspension and a promotion each update the compacted topic; a login does not.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopics, testKafka, uniqueName } from '@zendesk-lifecycle/kafka';
import { createKafka, kafkaSettingsFromEnv, readTopicToEnd } from '@zendesk-lifecycle/service-runtime';
import { startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { clientOf } from '../testing/sandbox-client.js';
import { AccountFollower } from './follow.js';
import { readSnapshot, syncAccounts, type AccountSnapshot } from './sync.js';

let sandbox: RunningSandbox;
let follower: AccountFollower | undefined;
const id = uniqueName('follow');
const settings = kafkaSettingsFromEnv({
  KAFKA_BROKERS: process.env.KAFKA_BROKERS,
  KAFKA_GROUP_ID: `${id}-group`,
  TOPIC_ACCOUNTS: `${id}.accounts`,
  TOPIC_RESULTS: `${id}.results`,
  TOPIC_ZENDESK_USER_EVENTS: `${id}.user-events`,
});
const kafka = createKafka(settings);

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0 });
  const admin = testKafka().admin();
  await admin.connect();
  await createTopics(admin, [
    {
      topic: settings.topics.accounts,
      numPartitions: 2,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
    },
    { topic: settings.topics.results, numPartitions: 1 },
    { topic: settings.topics.userEvents, numPartitions: 2 },
  ]);
  await admin.disconnect();
}, 60_000);
afterAll(async () => {
  await follower?.stop();
  await sandbox?.stop();
});

/** The accounts topic as a reader sees it: the latest snapshot per user, deleted users gone. */
async function accounts(): Promise<Map<number, AccountSnapshot>> {
  const out = new Map<number, AccountSnapshot>();
  await readTopicToEnd(kafka, settings.topics.accounts, (m) => {
    const read = readSnapshot(m);
    if (read === 'invalid') return;
    const userId = Number(read.key.slice(3));
    if (read.snapshot === null) out.delete(userId);
    else out.set(userId, read.snapshot);
  });
  return out;
}

async function zendeskSays(userId: number, type: string, event: Record<string, unknown>) {
  const user = sandbox.state.users.get(userId) ?? sandbox.state.deletedUsers.get(userId);
  const eventId = randomUUID();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: settings.topics.userEvents,
    messages: [
      {
        key: String(userId),
        headers: { 'zendesk-event-id': eventId },
        value: JSON.stringify({
          type: `zen:event-type:user.${type}`,
          account_id: 1,
          id: eventId,
          time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          zendesk_event_version: '2022-06-20',
          subject: `zen:user:${userId}`,
          detail: {
            id: String(userId),
            role: user?.role ?? 'end-user',
            email: user?.email ?? null,
            external_id: '',
          },
          event,
        }),
      },
    ],
  });
  await producer.disconnect();
}

async function until(check: () => boolean, what: string) {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('sync --follow', () => {
  it('updates the snapshot of each user a Zendesk event changed, between full syncs', async () => {
    const zendesk = clientOf(sandbox);
    await syncAccounts({ zendesk, kafka, settings });
    follower = new AccountFollower({ zendesk, kafka, settings });
    await follower.start();

    const staff = [...sandbox.state.users.values()].filter(
      (u) =>
        u.role === 'agent' && !u.suspended && u.id !== sandbox.state.ownerId && u.custom_role_id === null,
    );
    const [downgraded, suspended] = staff;
    const promoted = [...sandbox.state.users.values()].find((u) => u.role === 'end-user' && u.active)!;
    expect(follower.snapshots.get(downgraded!.id)?.status).toBe('active');
    expect(follower.snapshots.has(promoted.id)).toBe(false);

    sandbox.state.users.get(downgraded!.id)!.role = 'end-user';
    await zendeskSays(downgraded!.id, 'role_changed', { previous: 'agent', current: 'end-user' });
    sandbox.state.users.get(suspended!.id)!.suspended = true;
    await zendeskSays(suspended!.id, 'suspended_changed', { previous: false, current: true });
    sandbox.state.users.get(promoted.id)!.role = 'agent';
    await zendeskSays(promoted.id, 'role_changed', { previous: 'end-user', current: 'agent' });
    await zendeskSays(promoted.id, 'last_login_changed', { previous: null, current: '2026-12-01T10:00:00Z' });
    await until(() => follower!.updates >= 3, 'three updates');

    const now = await accounts();
    expect(now.get(downgraded!.id)).toMatchObject({ role: 'end-user', status: 'deprovisioned', seat: null });
    expect(now.get(suspended!.id)).toMatchObject({ status: 'suspended', seat: 'paid' });
    expect(now.get(promoted.id)).toMatchObject({ role: 'agent', status: 'active', seat: 'paid' });
    expect(follower.updates).toBe(3); // the login change changes no account
  });
});
