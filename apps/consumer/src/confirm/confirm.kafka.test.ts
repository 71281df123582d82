// The closed loop on the real broker and the sandbox (issue 24), with the service as in production (delivery loop,
// pipeline, Zendesk client, audit trail) and the confirmer beside it. Zendesk's user events are written to the
// user-events topic by the test, shaped as Zendesk's webhooks post them (the envelope kept unchanged, keyed by the
// Zendesk user id, header zendesk-event-id); the clock is moved forward instead of waiting for the window.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import {
  InMemoryBrake,
  confirmationEventSchema,
  createLifecycleEvent,
  driftEventSchema,
  eventKey,
  parsePolicy,
  resultEventSchema,
  type ConfirmationEvent,
  type DriftEvent,
  type LifecycleEvent,
  type NewEvent,
  type ResultEvent,
} from '@zendesk-lifecycle/core';
import { runTopics, testKafka, uniqueName } from '@zendesk-lifecycle/kafka';
import { createLogger } from '@zendesk-lifecycle/service-runtime';
import { createZendeskClient } from '@zendesk-lifecycle/zendesk-client';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { consumerSettingsFromEnv, type ConsumerSettings } from '../config.js';
import { ConsumerMetrics } from '../ops/metrics.js';
import { createRecordProcessor } from '../pipeline/process-record.js';
import { startConsumerService, type ConsumerService } from '../service.js';
import { createAuditTrail } from '../wiring/audit.js';
import { Confirmer, DRIFT_SOURCE } from './confirmer.js';
import { ConfirmMetrics } from './metrics.js';

const logger = createLogger({ level: (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent', pretty: false });
const run = uniqueName('confirm');
const topics = { ...runTopics(run), TOPIC_ZENDESK_USER_EVENTS: `${run}.user-events` };
const MINUTE = 60_000;
let kafka: Kafka;
let sandbox: RunningSandbox;
let settings: ConsumerSettings;
let service: ConsumerService | undefined;
let confirmer: Confirmer | undefined;
let confirmMetrics: ConfirmMetrics;
let confirmerOptions: ConstructorParameters<typeof Confirmer>[0];
/** The service's and the confirmer's clock: real time plus what the test has skipped. */
let skipped = 0;
const clock = { now: () => new Date(Date.now() + skipped) };
const results: ResultEvent[] = [];
const confirmations: ConfirmationEvent[] = [];
const drifts: DriftEvent[] = [];
let stopReader: () => Promise<void>;

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
  // Drift is re-applied; an unmatched Zendesk event waits 30 s (of the test's clock) for our own results.
  const policy = parsePolicy({ drift: { reapply: true, grace_seconds: 30 } });
  const protectedUsers = {
    ids: [],
    emails: audit.serviceEmails,
    external_ids: [],
    service_user_ids: [sandbox.state.ownerId],
    account_owner_id: sandbox.state.ownerId,
  };
  const metrics = new ConsumerMetrics({ defaultMetrics: false });
  const port = zendesk.asPort({ protectedUsers, transfer: policy.transfer });
  const processor = createRecordProcessor({
    zendesk: port,
    audit: audit.port,
    policy,
    protectedUsers,
    brake: new InMemoryBrake(policy.blast_radius),
    dryRun: false,
    allowIrreversible: false,
    eventMaxBytes: 256 * 1024,
    resultSource: 'test/consumer',
    logger,
    metrics,
    clock,
  });
  service = await startConsumerService({
    settings,
    logger,
    metrics,
    processor,
    ops: false,
    kafka,
    scheduler: { clock, tickMs: 200 },
  });
  confirmMetrics = new ConfirmMetrics(metrics.registry);
  confirmerOptions = {
    kafka,
    settings: settings.kafka,
    confirm: { enabled: true, topic: `${run}.expected`, tickMs: 100 },
    policy,
    zendesk: port,
    audit: audit.port,
    logger,
    metrics: confirmMetrics,
    clock,
    source: 'test/confirm',
    timer: false,
  };
  confirmer = new Confirmer(confirmerOptions);
  await confirmer.start();
  const reader = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
  await reader.connect();
  await reader.subscribe({ topics: [topics.TOPIC_RESULTS], fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      const json = JSON.parse(message.value!.toString()) as { type: string };
      if (json.type === 'lifecycle.result.v1') results.push(resultEventSchema.parse(json));
      if (json.type === 'lifecycle.confirmation.v1') confirmations.push(confirmationEventSchema.parse(json));
      if (json.type === 'lifecycle.drift.v1') drifts.push(driftEventSchema.parse(json));
    },
  });
  stopReader = () => reader.disconnect();
  await until(() => confirmer!.assigned, 'the confirmer never got its partitions');
}, 120_000);

afterAll(async () => {
  await stopReader?.();
  await confirmer?.stop();
  await service?.stop();
  await sandbox?.stop();
});

/** Ticks the confirmer until `check` holds. */
async function until<T>(check: () => T | undefined | false, what: string, timeoutMs = 25_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await confirmer?.tick();
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let nextUser = 7000;
function newAgent(): { id: number; email: string } {
  const id = nextUser++;
  const email = `confirm-${id}@example.test`;
  sandbox.state.addUser({ id, name: `Agent ${id}`, email, role: 'agent' });
  return { id, email };
}

const event = (input: Omit<NewEvent, 'source'>): LifecycleEvent =>
  createLifecycleEvent({ source: 'hr/test', time: clock.now().toISOString(), ...input });

async function publish(
  topic: string,
  messages: Array<{ key: string; value: string; headers?: Record<string, string> }>,
) {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages });
  await producer.disconnect();
}
const publishEvent = (e: LifecycleEvent) =>
  publish(topics.TOPIC_EVENTS, [
    {
      key: eventKey(e),
      value: JSON.stringify(e),
      headers: { 'content-type': 'application/cloudevents+json' },
    },
  ]);

/** Zendesk's user event as its webhook posts it (developer.zendesk.com, Webhook event types, user events). */
async function zendeskSays(userId: number, type: string, change: { previous: unknown; current: unknown }) {
  const user = sandbox.state.users.get(userId)!;
  const id = randomUUID();
  const body = {
    type: `zen:event-type:user.${type}`,
    account_id: 12514403,
    id,
    time: clock
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z'),
    zendesk_event_version: '2022-06-20',
    subject: `zen:user:${userId}`,
    detail: {
      created_at: '2026-01-01T00:00:00Z',
      email: user.email,
      external_id: '',
      default_group_id: '0',
      id: String(userId),
      organization_id: '0',
      role: user.role,
      updated_at: clock.now().toISOString(),
    },
    event: change,
  };
  await publish(topics.TOPIC_ZENDESK_USER_EVENTS, [
    { key: String(userId), value: JSON.stringify(body), headers: { 'zendesk-event-id': id } },
  ]);
  return id;
}

const resultOf = (e: LifecycleEvent) =>
  until(() => results.find((r) => r.id === `result:${e.source}:${e.id}`), `the result of ${e.id}`);
const confirmationOf = (e: LifecycleEvent, action: string) =>
  until(
    () => confirmations.find((c) => c.data.source_event.id === e.id && c.data.step.action === action),
    `a confirmation of ${action} of ${e.id}`,
  );
const commentsOf = (ticketId: number | null) =>
  sandbox.state.tickets.get(ticketId!)!.comments.map((c) => c.body);
const counter = async (
  metric: { get(): Promise<{ values: Array<{ labels: object; value: number }> }> },
  labels: object,
) => (await metric.get()).values.find((v) => JSON.stringify(v.labels) === JSON.stringify(labels))?.value ?? 0;

describe('a step confirmed by its Zendesk event', () => {
  it('comments on the audit ticket, writes a confirmation record and counts it', async () => {
    const agent = newAgent();
    const reclaim = event({ type: 'lifecycle.license_reclaim.v1', user: { id: agent.id } });
    await publishEvent(reclaim);
    const result = await resultOf(reclaim);
    expect(result.data.steps).toMatchObject([{ action: 'downgrade', outcome: 'succeeded' }]);
    // Something that is not Zendesk's envelope is skipped (it stays on the topic), and the loop goes on.
    await publish(topics.TOPIC_ZENDESK_USER_EVENTS, [{ key: String(agent.id), value: '{"type":"nope"' }]);
    const zendeskEventId = await zendeskSays(agent.id, 'role_changed', {
      previous: 'agent',
      current: 'end-user',
    });

    const confirmation = await confirmationOf(reclaim, 'downgrade');
    expect(confirmation.data).toMatchObject({
      status: 'confirmed',
      by: 'event',
      zendesk_user_id: agent.id,
      zendesk_event: { id: zendeskEventId },
      step: { action: 'downgrade', audit_ticket_id: result.data.steps[0]!.audit_ticket_id },
    });
    expect(confirmation.data.delay_ms).toBeGreaterThanOrEqual(0);
    const comments = commentsOf(result.data.steps[0]!.audit_ticket_id);
    expect(comments.at(-1)).toContain('Confirmed by Zendesk: role end-user');
    expect(comments.at(-1)).toContain(zendeskEventId);
    expect(await counter(confirmMetrics.confirmations, { action: 'downgrade', by: 'event' })).toBe(1);
    expect(
      (await confirmMetrics.delay.get()).values.some(
        (v) => v.metricName?.endsWith('_count') && v.value === 1,
      ),
    ).toBe(true);
    expect(confirmer!.state.expectationsOf(agent.id)).toEqual([]);
  });
});

describe('a restart', () => {
  it('keeps what the loop waits for: a new instance confirms the step from the state topic', async () => {
    const agent = newAgent();
    const reclaim = event({ type: 'lifecycle.license_reclaim.v1', user: { id: agent.id } });
    await publishEvent(reclaim);
    await resultOf(reclaim);
    await until(() => confirmer!.state.expectationsOf(agent.id).length > 0, 'the expectation');
    await confirmer!.stop();
    confirmer = new Confirmer(confirmerOptions);
    await confirmer.start();
    // Read back from Kafka before anything else: nothing of the old instance's memory is needed.
    expect(confirmer.state.expectationsOf(agent.id)).toHaveLength(1);
    await until(() => confirmer!.assigned, 'the new instance to get its partitions');
    await zendeskSays(agent.id, 'role_changed', { previous: 'agent', current: 'end-user' });
    expect((await confirmationOf(reclaim, 'downgrade')).data).toMatchObject({
      status: 'confirmed',
      by: 'event',
    });
  });
});

describe('our own re-hire', () => {
  it('is not drift: its unsuspension confirms its step instead', async () => {
    const agent = newAgent();
    const revoke = event({ type: 'lifecycle.access_revoked.v1', user: { id: agent.id } });
    await publishEvent(revoke);
    await resultOf(revoke);
    await zendeskSays(agent.id, 'suspended_changed', { previous: false, current: true });
    await confirmationOf(revoke, 'suspend');
    expect(confirmer!.state.removals.get(agent.id)?.removal.actions).toEqual(['suspend']);

    const rehire = event({ type: 'lifecycle.rehire.v1', user: { id: agent.id }, actions: ['unsuspend'] });
    await publishEvent(rehire);
    expect((await resultOf(rehire)).data.steps).toMatchObject([
      { action: 'unsuspend', outcome: 'succeeded' },
    ]);
    const unsuspended = await zendeskSays(agent.id, 'suspended_changed', { previous: true, current: false });
    const confirmation = await confirmationOf(rehire, 'unsuspend');
    expect(confirmation.data.zendesk_event?.id).toBe(unsuspended);

    // Access given back after our own re-hire (added to a group) is judged, and is no drift either.
    const added = await zendeskSays(agent.id, 'group_membership_created', { previous: null, current: null });
    await until(
      () => confirmer!.state.seenOf(agent.id).some(([, s]) => s.event.event_id === added),
      'the event to be read',
    );
    skipped += 31_000; // past the drift grace: the event is judged
    await until(() => !confirmer!.state.seenOf(agent.id).length, 'the event to be judged');
    expect(drifts.filter((d) => d.data.zendesk_user_id === agent.id)).toEqual([]);
    expect(confirmer!.state.removals.has(agent.id)).toBe(false);
  });
});

describe('a step whose Zendesk state was changed back before it was confirmed', () => {
  it('is read back after the window and raised: audit comment, confirmation record, metric', async () => {
    const agent = newAgent();
    const reclaim = event({ type: 'lifecycle.license_reclaim.v1', user: { id: agent.id } });
    await publishEvent(reclaim);
    const result = await resultOf(reclaim);
    expect(sandbox.state.users.get(agent.id)?.role).toBe('end-user');
    // Someone makes the user an agent again; no event reaches us.
    sandbox.state.users.get(agent.id)!.role = 'agent';
    await confirmer!.tick();
    expect(confirmations.some((c) => c.data.source_event.id === reclaim.id)).toBe(false);

    skipped += 16 * MINUTE; // the policy's window (15 minutes) is over
    const raised = await confirmationOf(reclaim, 'downgrade');
    expect(raised.data).toMatchObject({ status: 'raised', by: 'read_back', zendesk_event: null });
    expect(raised.data.observed).toContain('role agent');
    const ticket = sandbox.state.tickets.get(result.data.steps[0]!.audit_ticket_id!)!;
    expect(ticket.comments.at(-1)?.body).toContain('Zendesk disagrees with this step');
    expect(ticket).toMatchObject({ status: 'open', priority: 'high' });
    expect(await counter(confirmMetrics.raised, { action: 'downgrade' })).toBe(1);
  });

  it('is confirmed by reading back when Zendesk agrees and sent no event', async () => {
    const agent = newAgent();
    const revoke = event({ type: 'lifecycle.access_revoked.v1', user: { id: agent.id } });
    await publishEvent(revoke);
    await resultOf(revoke);
    skipped += 16 * MINUTE;
    const confirmed = await confirmationOf(revoke, 'suspend');
    expect(confirmed.data).toMatchObject({ status: 'confirmed', by: 'read_back' });
  });
});

describe('drift: a leaver re-promoted by an admin', () => {
  it('produces a drift ticket, a drift record and an event that downgrades them again through the pipeline', async () => {
    const agent = newAgent();
    const leaver = event({
      type: 'lifecycle.offboarding.v1',
      user: { id: agent.id },
      actions: ['downgrade', 'suspend'],
    });
    await publishEvent(leaver);
    expect((await resultOf(leaver)).data.status).toBe('completed');
    await zendeskSays(agent.id, 'role_changed', { previous: 'agent', current: 'end-user' });
    await zendeskSays(agent.id, 'suspended_changed', { previous: false, current: true });
    await confirmationOf(leaver, 'suspend');
    await confirmationOf(leaver, 'downgrade');

    // An admin makes the leaver an agent again, in Zendesk, behind the lifecycle's back.
    const user = sandbox.state.users.get(agent.id)!;
    user.role = 'agent';
    user.suspended = false;
    const promoted = await zendeskSays(agent.id, 'role_changed', { previous: 'end-user', current: 'agent' });
    await until(
      () => confirmer!.state.seenOf(agent.id).some(([, s]) => s.event.event_id === promoted),
      'the event to be read',
    );
    await confirmer!.tick();
    expect(drifts).toEqual([]); // within the grace: our own re-hire's result may still come

    skipped += 31_000;
    const drift = await until(
      () => drifts.find((d) => d.data.zendesk_event.id === promoted),
      'the drift record',
    );
    expect(drift.data).toMatchObject({
      zendesk_user_id: agent.id,
      change: 'role end-user -> agent',
      removed_by: { source_event: { id: leaver.id }, actions: ['downgrade', 'suspend'] },
      reapplied_event_id: `drift-${promoted}`,
    });
    const ticket = sandbox.state.tickets.get(drift.data.audit_ticket_id!)!;
    expect(ticket.subject).toContain('Access restored outside the lifecycle');
    expect(ticket.tags).toContain('notice_access_restored');
    expect(ticket.status).toBe('open');
    expect(await counter(confirmMetrics.drift, { change: 'role', reapplied: 'true' })).toBe(1);

    // The re-application runs through the normal pipeline, as any lifecycle event.
    const reapplied = await until(
      () =>
        results.find(
          (r) =>
            r.data.source_event.source === DRIFT_SOURCE && r.data.source_event.id === `drift-${promoted}`,
        ),
      'the result of the re-application',
    );
    expect(reapplied.data.steps).toMatchObject([
      { action: 'downgrade', outcome: 'succeeded' },
      { action: 'suspend', outcome: 'succeeded' },
    ]);
    expect(sandbox.state.users.get(agent.id)).toMatchObject({ role: 'end-user', suspended: true });
  });
});
