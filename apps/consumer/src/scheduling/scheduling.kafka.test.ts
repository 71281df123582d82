// Soft delete now, purge later; effective dates; cancellation by a re-hire. On the real broker and the sandbox,
// with the service as in production (delivery loop, scheduler, Zendesk client, audit trail) and a clock that the
// test moves forward by days instead of waiting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import {
  InMemoryBrake,
  createLifecycleEvent,
  eventKey,
  parsePolicy,
  type LifecycleEvent,
  type NewEvent,
  type ResultEvent,
} from '@zendesk-lifecycle/core';
import { runTopics, testKafka, uniqueName } from '@zendesk-lifecycle/kafka';
import { createLogger, readTopicToEnd } from '@zendesk-lifecycle/service-runtime';
import { createZendeskClient } from '@zendesk-lifecycle/zendesk-client';
import {
  DEMO_PEOPLE,
  STAFF_ROLE_ID,
  startSandbox,
  type RunningSandbox,
} from '@zendesk-lifecycle/zendesk-sandbox';
import { consumerSettingsFromEnv, type ConsumerSettings } from '../config.js';
import { ConsumerMetrics } from '../ops/metrics.js';
import { createRecordProcessor } from '../pipeline/process-record.js';
import { startConsumerService, type ConsumerService } from '../service.js';
import { createAuditTrail } from '../wiring/audit.js';
import { listScheduled, scheduledCommand } from '../cli/scheduled.js';
import { decodeScheduledRecord } from './entries.js';

const DAY = 86_400_000;
const logger = createLogger({ level: (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent', pretty: false });
const run = uniqueName('sched');
const topics = runTopics(run);
let kafka: Kafka;
let sandbox: RunningSandbox;
let settings: ConsumerSettings;
let service: ConsumerService | undefined;
/** The service's clock: real time plus what the test has skipped. */
let skipped = 0;
const clock = { now: () => new Date(Date.now() + skipped) };
const results: ResultEvent[] = [];
let stopReader: () => Promise<void>;

async function startService(): Promise<ConsumerService> {
  const zendesk = createZendeskClient({
    baseUrl: sandbox.url,
    email: sandbox.credentials.email,
    apiToken: sandbox.credentials.token,
    retry: { retries: 1, initialDelayMs: 10, maxDelayMs: 20 },
  });
  const env = {
    ZENDESK_BASE_URL: sandbox.url,
    ZENDESK_EMAIL: sandbox.credentials.email,
    ZENDESK_API_TOKEN: sandbox.credentials.token,
    ITSM_REQUESTER_EMAIL: DEMO_PEOPLE.bot.email,
  };
  const audit = await createAuditTrail(env, zendesk, logger);
  const policy = parsePolicy({ purge_after_days: 7 });
  const protectedUsers = {
    ids: [],
    emails: audit.serviceEmails,
    external_ids: [],
    service_user_ids: [sandbox.state.ownerId],
    account_owner_id: sandbox.state.ownerId,
  };
  const metrics = new ConsumerMetrics({ defaultMetrics: false });
  const processor = createRecordProcessor({
    zendesk: zendesk.asPort({ protectedUsers, transfer: policy.transfer }),
    audit: audit.port,
    policy,
    protectedUsers,
    brake: new InMemoryBrake(policy.blast_radius),
    dryRun: false,
    allowIrreversible: true,
    eventMaxBytes: 256 * 1024,
    resultSource: 'test/consumer',
    logger,
    metrics,
    clock,
  });
  return startConsumerService({
    settings,
    logger,
    metrics,
    processor,
    ops: false,
    kafka,
    scheduler: { clock, tickMs: 200 },
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 5 });
  kafka = testKafka(run);
  settings = consumerSettingsFromEnv({
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    KAFKA_GROUP_ID: `${run}-group`,
    KAFKA_CLIENT_ID: run,
    KAFKA_TOPIC_PARTITIONS: '2',
    CONSUMER_RETRY_DELAY_MS: '300',
    KAFKA_SESSION_TIMEOUT_MS: '10000',
    KAFKA_HEARTBEAT_INTERVAL_MS: '1000',
    KAFKA_REBALANCE_TIMEOUT_MS: '20000',
    ...topics,
  });
  service = await startService();
  const reader = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
  await reader.connect();
  await reader.subscribe({ topics: [topics.TOPIC_RESULTS], fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      results.push(JSON.parse(message.value!.toString()) as ResultEvent);
    },
  });
  stopReader = () => reader.disconnect();
}, 120_000);

afterAll(async () => {
  await stopReader?.();
  await service?.stop();
  await sandbox?.stop();
});

let nextUser = 5000;
function newUser(): { id: number; email: string } {
  const id = nextUser++;
  const email = `sched-${id}@example.test`;
  sandbox.state.addUser({ id, name: `Scheduled ${id}`, email, role: 'end-user' });
  return { id, email };
}

const groupsOf = (id: number) =>
  sandbox.state.memberships
    .filter((m) => m.user_id === id)
    .map((m) => m.group_id)
    .sort((a, b) => a - b);
/** An agent with a custom role, in every group (what a re-hire must give back). */
function newAgent(): { id: number; email: string; groups: number[] } {
  const id = nextUser++;
  const email = `sched-agent-${id}@example.test`;
  sandbox.state.addUser({
    id,
    name: `Scheduled Agent ${id}`,
    email,
    role: 'agent',
    custom_role_id: STAFF_ROLE_ID,
  });
  for (const group of sandbox.state.groups.values())
    if (!groupsOf(id).includes(group.id)) sandbox.state.addMembership(id, group.id);
  return { id, email, groups: groupsOf(id) };
}

const event = (input: Omit<NewEvent, 'source'>): LifecycleEvent =>
  createLifecycleEvent({ source: 'hr/test', time: clock.now().toISOString(), ...input });
const offboard = (id: number, extra?: Record<string, unknown>) =>
  event({
    type: 'lifecycle.offboarding.v1',
    user: { id },
    actions: ['deprovision'],
    ...(extra ? { extra } : {}),
  });
const rehire = (id: number) => event({ type: 'lifecycle.rehire.v1', user: { id } });

async function publish(...events: LifecycleEvent[]) {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: topics.TOPIC_EVENTS,
    messages: events.map((e) => ({
      key: eventKey(e),
      value: JSON.stringify(e),
      headers: { 'content-type': 'application/cloudevents+json' },
    })),
  });
  await producer.disconnect();
}

async function resultOf(id: string, timeoutMs = 25_000): Promise<ResultEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = results.find((r) => r.id === id);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`no result ${id}; have ${results.map((r) => r.id).join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const resultId = (e: LifecycleEvent, suffix = '') => `result:${e.source}:${e.id}${suffix}`;
const purges = (userId: number) =>
  sandbox.state.requestLog.filter(
    (r) => r.method === 'DELETE' && r.path === `/api/v2/deleted_users/${userId}.json`,
  ).length;

async function waitingEntries() {
  const live = new Map<string, string>();
  await readTopicToEnd(kafka, topics.TOPIC_SCHEDULED, (message) => {
    const record = decodeScheduledRecord(message.key?.toString() ?? null, message.value?.toString() ?? null);
    if (record.kind === 'entry') live.set(record.id, record.entry.kind);
    if (record.kind === 'tombstone') live.delete(record.id);
  });
  return live;
}
/** Where the sandbox has the user: active, soft-deleted, or permanently deleted (personal data gone). */
function state(id: number): 'active' | 'soft_deleted' | 'purged' | 'unknown' {
  if (sandbox.state.users.get(id)?.active) return 'active';
  if (sandbox.state.purged.has(id)) return 'purged';
  if (sandbox.state.deletedUsers.has(id)) return 'soft_deleted';
  return 'unknown';
}
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('soft delete now, purge after the grace period', () => {
  it('soft-deletes, writes the purge entry, and purges once when the clock passes the grace period', async () => {
    const user = newUser();
    const off = offboard(user.id);
    await publish(off);
    const first = await resultOf(resultId(off));
    expect(first.data).toMatchObject({
      status: 'completed',
      steps: [{ action: 'deprovision', outcome: 'succeeded' }],
    });
    expect(Date.parse(first.data.scheduled_for!) - clock.now().getTime()).toBeGreaterThan(6.9 * DAY);
    expect(state(user.id)).toBe('soft_deleted');
    expect([...(await waitingEntries()).values()]).toContain('purge');
    // What an operator sees: `npm run consumer -- scheduled list`.
    expect(await listScheduled(kafka, settings.kafka, clock.now())).toContainEqual(
      expect.objectContaining({
        kind: 'purge',
        user: `id:${user.id} (${user.id})`,
        event: off.id,
        state: 'waiting',
      }),
    );
    const printed = await scheduledCommand(kafka, settings.kafka, ['list', '--user', `id:${user.id}`]);
    expect(printed).toMatch(new RegExp(`purge\\s+id:${user.id} \\(${user.id}\\)\\s+${off.id}\\s+waiting`));
    await pause(1000);
    expect(purges(user.id)).toBe(0);

    skipped += 8 * DAY;
    const purged = await resultOf(resultId(off, ':purge'));
    expect(purged.data).toMatchObject({
      status: 'completed',
      plan: ['purge'],
      steps: [{ outcome: 'succeeded' }],
    });
    await pause(1500);
    expect(purges(user.id)).toBe(1);
    expect(state(user.id)).toBe('purged');
    const text = await service!.metrics.registry.metrics();
    expect(text).toMatch(/zendesk_lifecycle_scheduled_fired_total\{kind="purge"\} [1-9]/);
  });

  it('purges exactly once after a crash between the soft delete and the purge', async () => {
    const user = newUser();
    const off = offboard(user.id);
    await publish(off);
    await resultOf(resultId(off));
    await service!.stop();
    service = undefined;
    skipped += 8 * DAY;
    service = await startService();
    await resultOf(resultId(off, ':purge'), 40_000);
    await pause(1500);
    expect(purges(user.id)).toBe(1);
  }, 60_000);

  it('purges once when a second instance joins (a rebalance) just as the purge comes due', async () => {
    const user = newUser();
    const off = offboard(user.id);
    await publish(off);
    await resultOf(resultId(off));
    skipped += 8 * DAY;
    const second = await startService();
    try {
      await resultOf(resultId(off, ':purge'), 40_000);
      await pause(3000);
      expect(purges(user.id)).toBe(1);
      const purgeTickets = [...sandbox.state.tickets.values()].filter(
        (t) => t.tags.includes('action_purge') && t.subject.includes(`#${user.id}`),
      );
      expect(purgeTickets).toHaveLength(1);
    } finally {
      await second.stop();
    }
  }, 60_000);

  it('a re-hire inside the grace period cancels the purge, audited once', async () => {
    const user = newUser();
    const off = offboard(user.id);
    await publish(off);
    await resultOf(resultId(off));
    skipped += 2 * DAY;
    const back = rehire(user.id);
    await publish(back);
    await resultOf(resultId(back));
    const cancelled = await resultOf(resultId(off, ':purge:cancelled'));
    expect(cancelled.data).toMatchObject({
      status: 'cancelled',
      steps: [{ action: 'purge', outcome: 'cancelled' }],
    });
    skipped += 8 * DAY;
    await pause(2000);
    expect(purges(user.id)).toBe(0);
    expect(results.some((r) => r.id === resultId(off, ':purge'))).toBe(false);
    const tickets = [...sandbox.state.tickets.values()].filter(
      (t) => t.tags.includes('outcome_cancelled') && t.tags.includes('action_purge'),
    );
    expect(tickets).toHaveLength(1);
  }, 40_000);

  it('a re-hire inside the grace period: no purge, and the prior role restored (onto a new profile: Zendesk cannot undelete)', async () => {
    const user = newAgent();
    const off = offboard(user.id);
    await publish(off);
    expect((await resultOf(resultId(off))).data.steps).toMatchObject([
      { action: 'deprovision', outcome: 'succeeded' },
    ]);
    expect(state(user.id)).toBe('soft_deleted');
    skipped += 2 * DAY;
    // The audit trail is read back by ticket search, which lags behind new tickets (docs/zendesk-rules.md §8).
    await pause(sandbox.state.searchLagMs + 500);
    const back = rehire(user.id);
    await publish(back);
    const rehired = await resultOf(resultId(back));
    const fresh = [...sandbox.state.users.values()].find((u) => u.email === user.email)!;
    expect(fresh.id).not.toBe(user.id);
    expect(rehired.data).toMatchObject({
      status: 'completed',
      zendesk_user_id: fresh.id,
      steps: [
        { action: 'unsuspend', outcome: 'already_done' },
        { action: 'restore', outcome: 'succeeded' },
      ],
    });
    const restore = rehired.data.steps[1]!;
    expect(restore.detail).toMatch(
      new RegExp(`new profile ${fresh.id} .*old profile ${user.id} stays deleted`),
    );
    // The prior role: agent with its custom role and groups, on the new profile.
    expect(fresh).toMatchObject({
      role: 'agent',
      custom_role_id: STAFF_ROLE_ID,
      active: true,
      suspended: false,
    });
    expect(groupsOf(fresh.id)).toEqual(user.groups);
    const ticket = sandbox.state.tickets.get(restore.audit_ticket_id!)!;
    expect(ticket.tags).toEqual(expect.arrayContaining([`zl_user_${user.id}`, `zl_user_${fresh.id}`]));
    expect(ticket.description).toContain(`the old profile ${user.id} stays deleted`);
    // No purge: cancelled (audited), and nothing fires after the grace period; the old profile stays soft-deleted.
    expect((await resultOf(resultId(off, ':purge:cancelled'))).data.status).toBe('cancelled');
    skipped += 8 * DAY;
    await pause(2000);
    expect(purges(user.id)).toBe(0);
    expect(purges(fresh.id)).toBe(0);
    expect(state(user.id)).toBe('soft_deleted');
    expect(state(fresh.id)).toBe('active');
  }, 60_000);
});

describe('effective dates', () => {
  it('does nothing before the effective time, then acts; a re-hire before it cancels the event', async () => {
    const later = newUser();
    const cancelledUser = newUser();
    const due = new Date(clock.now().getTime() + 3 * DAY).toISOString();
    const offLater = offboard(later.id, { effective_at: due });
    const offCancelled = offboard(cancelledUser.id, { effective_at: due });
    await publish(offLater, offCancelled);
    expect((await resultOf(resultId(offLater, ':scheduled'))).data).toMatchObject({
      status: 'scheduled',
      scheduled_for: due,
    });
    expect((await resultOf(resultId(offCancelled, ':scheduled'))).data.status).toBe('scheduled');
    skipped += DAY;
    await pause(1000);
    expect(state(later.id)).toBe('active');

    const back = rehire(cancelledUser.id);
    await publish(back);
    const cancelled = await resultOf(resultId(offCancelled, ':cancelled'));
    expect(cancelled.data).toMatchObject({
      status: 'cancelled',
      steps: [{ action: 'deprovision', outcome: 'cancelled' }],
    });

    skipped += 3 * DAY;
    const done = await resultOf(resultId(offLater));
    expect(done.data).toMatchObject({
      status: 'completed',
      steps: [{ action: 'deprovision', outcome: 'succeeded' }],
    });
    await waitUntil(() => state(later.id) === 'soft_deleted');
    await pause(1000);
    expect(state(cancelledUser.id)).toBe('active');
    const entries = await waitingEntries();
    expect([...entries.keys()].filter((k) => k.startsWith('effective:'))).toEqual([]);
  }, 60_000);
});

async function waitUntil(check: () => boolean, timeoutMs = 25_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await pause(100);
  }
}
