// End to end, as in production: the consumer as its own process, the real broker, the sandbox over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaMessage } from 'kafkajs';
import {
  createLifecycleEvent,
  eventKey,
  resultEventSchema,
  type LifecycleEvent,
  type ResultEvent,
} from '@zendesk-lifecycle/core';
import {
  createTopics,
  freePort,
  runTopics,
  startConsumerProcess,
  testKafka,
  uniqueName,
  type ServiceProcess,
} from '@zendesk-lifecycle/kafka';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';

const run = uniqueName('e2e');
const topics = runTopics(run);
const kafka = testKafka(run);
let sandbox: RunningSandbox;
let consumer: ServiceProcess;
let opsPort: number;
/** Everything the consumer printed (its logs), read back to prove that no secret is in them. */
let consumerOutput = '';

beforeAll(async () => {
  // Tokens live 20 seconds, so the run renews at least once.
  sandbox = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 5, tokenLifetimeSeconds: 20 });
  const admin = kafka.admin();
  await admin.connect();
  await createTopics(
    admin,
    Object.values(topics).map((topic) => ({ topic, numPartitions: 3 })),
  );
  await admin.disconnect();
  opsPort = await freePort();
  consumer = await startConsumerProcess({
    name: 'consumer',
    opsPort,
    probe: 'readyz',
    output: (chunk) => (consumerOutput += chunk.toString()),
    env: {
      ...topics,
      KAFKA_GROUP_ID: `${run}-group`,
      ZENDESK_BASE_URL: sandbox.url,
      // As a new customer signs in today: OAuth client credentials (API tokens are being retired).
      ZENDESK_OAUTH_CLIENT_ID: sandbox.credentials.oauthClientId,
      ZENDESK_OAUTH_CLIENT_SECRET: sandbox.credentials.oauthClientSecret,
      // Zendesk's public API does not name the account owner (docs/zendesk-rules.md §11): it is configured.
      ZENDESK_ACCOUNT_OWNER_ID: String(sandbox.state.ownerId),
      ITSM_REQUESTER_EMAIL: DEMO_PEOPLE.bot.email,
      ALLOW_IRREVERSIBLE: 'true',
      LOG_LEVEL: 'info',
    },
  });
}, 90_000);

afterAll(async () => {
  await consumer?.stop();
  await sandbox?.stop();
});

async function publish(records: Array<{ key: string; value: string }>) {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: topics.TOPIC_EVENTS, messages: records });
  await producer.disconnect();
}

async function collect(wanted: string[], deadLetters: number) {
  const results = new Map<string, ResultEvent>();
  const dead: KafkaMessage[] = [];
  const reader = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
  await reader.connect();
  await reader.subscribe({ topics: [topics.TOPIC_RESULTS, topics.TOPIC_DLQ], fromBeginning: true });
  await reader.run({
    eachMessage: async ({ topic, message }) => {
      if (topic === topics.TOPIC_DLQ) dead.push(message);
      else {
        const result = resultEventSchema.parse(JSON.parse(message.value!.toString()));
        results.set(result.data.source_event.id, result);
      }
    },
  });
  const deadline = Date.now() + 60_000;
  while ((wanted.some((id) => !results.has(id)) || dead.length < deadLetters) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }
  await reader.disconnect();
  return { results, dead };
}

/** Every result for `id`, once there are `count` of them; fails naming what arrived when they do not. */
async function resultsFor(id: string, count: number, timeoutMs = 20_000): Promise<ResultEvent[]> {
  const found: ResultEvent[] = [];
  const reader = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
  await reader.connect();
  await reader.subscribe({ topics: [topics.TOPIC_RESULTS], fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      const result = resultEventSchema.parse(JSON.parse(message.value!.toString()));
      if (result.data.source_event.id === id) found.push(result);
    },
  });
  const deadline = Date.now() + timeoutMs;
  try {
    while (found.length < count) {
      if (Date.now() > deadline)
        throw new Error(
          `waited ${timeoutMs} ms for ${count} results of event ${id}; ${found.length} arrived`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
    return found;
  } finally {
    await reader.disconnect();
  }
}

/** Every request that may change Zendesk (a no-op update too), not only those that changed something. */
const mutating = () => sandbox.state.requestLog.filter((r) => r.mutating && r.path.startsWith('/api/'));

const event = (input: Omit<Parameters<typeof createLifecycleEvent>[0], 'source'>): LifecycleEvent =>
  createLifecycleEvent({ source: 'e2e', requested_by: 'hr@acme.test', ...input });

describe('the consumer, end to end', () => {
  it('runs every workflow from event to Zendesk state, audit ticket and result; poison goes to the DLQ', async () => {
    const events = [
      event({
        type: 'lifecycle.offboarding.v1',
        user: { email: DEMO_PEOPLE.leaver.email },
        transfer_to: { email: DEMO_PEOPLE.manager.email },
      }),
      event({ type: 'lifecycle.access_revoked.v1', user: { email: DEMO_PEOPLE.reviewed.email } }),
      event({ type: 'lifecycle.inactivity.v1', user: { email: DEMO_PEOPLE.inactive.email } }),
      event({ type: 'lifecycle.rehire.v1', user: { email: DEMO_PEOPLE.rehire.email } }),
      event({
        type: 'lifecycle.access_revoked.v1',
        user: { email: DEMO_PEOPLE.agent.email },
        actions: ['downgrade'],
      }),
      event({ type: 'lifecycle.access_revoked.v1', user: { id: DEMO_PEOPLE.owner.id } }),
    ];
    const leaversOpenTickets = [...sandbox.state.tickets.values()]
      .filter((t) => t.assignee_id === DEMO_PEOPLE.leaver.id && !['solved', 'closed'].includes(t.status))
      .map((t) => t.id);
    expect(leaversOpenTickets.length).toBeGreaterThan(0);
    await publish([
      ...events.map((e) => ({ key: eventKey(e), value: JSON.stringify(e) })),
      { key: 'poison', value: '{ not json' },
    ]);
    const { results, dead } = await collect(
      events.map((e) => e.id),
      1,
    );
    const outcome = (e: LifecycleEvent) =>
      results.get(e.id)!.data.steps.map((s) => `${s.action}:${s.outcome}`);
    // Seat reclamation in Zendesk's order: requested tickets moved, assigned ones reassigned by the downgrade,
    // then suspend, then (irreversible actions allowed here) the delete.
    expect(outcome(events[0]!)).toEqual([
      'transfer_data:succeeded',
      'downgrade:succeeded',
      'suspend:succeeded',
      'deprovision:succeeded',
    ]);
    expect(outcome(events[1]!)).toEqual(['suspend:succeeded']);
    expect(outcome(events[2]!)).toEqual(['downgrade:succeeded']);
    expect(outcome(events[3]!)).toEqual(['unsuspend:succeeded', 'restore:already_done']);
    expect(outcome(events[4]!)).toEqual(['downgrade:refused']);
    expect(outcome(events[5]!)).toEqual(['suspend:refused']);

    const state = sandbox.state;
    // Soft-deleted: gone from the users, among the deleted users with its data until the purge, which the
    // policy's grace period (purge_after_days, 7 by default) schedules for later (scheduling/scheduling.kafka.test.ts).
    expect(state.users.has(DEMO_PEOPLE.leaver.id)).toBe(false);
    expect(state.deletedUsers.get(DEMO_PEOPLE.leaver.id)).toMatchObject({
      active: false,
      email: DEMO_PEOPLE.leaver.email,
    });
    expect(results.get(events[0]!.id)!.data.scheduled_for).toBeDefined();
    expect(state.users.get(DEMO_PEOPLE.reviewed.id)!.suspended).toBe(true);
    expect(state.users.get(DEMO_PEOPLE.inactive.id)!.role).toBe('end-user');
    expect(state.users.get(DEMO_PEOPLE.rehire.id)!.suspended).toBe(false);
    expect(state.users.get(DEMO_PEOPLE.agent.id)!.role).toBe('agent');

    // The leaver's open assigned tickets went to the transfer destination, none to the service's own account.
    for (const id of leaversOpenTickets)
      expect(state.tickets.get(id)!.assignee_id).toBe(DEMO_PEOPLE.manager.id);

    const audit = [...state.tickets.values()].filter((t) => t.tags.includes('itsm_audit'));
    expect(audit).toHaveLength(10);
    expect(audit.every((t) => t.requester_id === DEMO_PEOPLE.bot.id)).toBe(true);
    const ids = [...results.values()].flatMap((r) => r.data.steps.map((s) => s.audit_ticket_id));
    expect(new Set(ids).size).toBe(10);

    // No client secret and no token Zendesk issued appears in a log line, result, dead letter or audit ticket.
    const written = [
      consumerOutput,
      JSON.stringify([...results.values()]),
      JSON.stringify(dead.map((d) => [d.value?.toString(), d.headers])),
      JSON.stringify(audit.map((t) => [t.subject, t.description, state.tickets.get(t.id)!.comments])),
    ].join('\n');
    const secrets = [sandbox.credentials.oauthClientSecret, ...sandbox.oauth.issuedSecrets()];
    expect(secrets.length).toBeGreaterThan(1);
    expect(consumerOutput).toContain('signed in to Zendesk'); // the logs were captured
    for (const secret of secrets) expect(written).not.toContain(secret);

    expect(dead).toHaveLength(1);
    expect(dead[0]!.headers!['dlq-reason']!.toString()).toBe('not_json');
    expect(dead[0]!.headers!['dlq-source-topic']!.toString()).toBe(topics.TOPIC_EVENTS);

    const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
    expect(metrics).toMatch(/lifecycle_actions_total\{action="deprovision",outcome="succeeded"\} 1/);
    expect(metrics).toMatch(/lifecycle_dead_letters_total\{reason="not_json"\} 1/);
  });

  it('replays a redelivered event without acting or auditing twice', async () => {
    const again = event({
      type: 'lifecycle.access_revoked.v1',
      user: { email: DEMO_PEOPLE.lightAgent.email },
    });
    await publish([{ key: eventKey(again), value: JSON.stringify(again) }]);
    const { results } = await collect([again.id], 0);
    expect(results.get(again.id)!.data.steps.map((s) => [s.action, s.outcome])).toEqual([
      ['suspend', 'succeeded'],
    ]);
    const auditFor = () =>
      [...sandbox.state.tickets.values()].filter(
        (t) => t.tags.includes('itsm_audit') && t.comments.some((c) => c.body.includes(again.id)),
      );
    expect(auditFor()).toHaveLength(1);
    const before = mutating().length;
    await publish([{ key: eventKey(again), value: JSON.stringify(again) }]);
    // Waited on, not slept: the second copy's result, read back from the results topic.
    const [first, replay] = await resultsFor(again.id, 2);
    // The replay recalled the audited outcome instead of acting: same ticket, no request that may change Zendesk.
    expect(replay!.data.steps.map((s) => [s.action, s.outcome, s.recalled, s.audit_ticket_id])).toEqual([
      ['suspend', 'succeeded', true, first!.data.steps[0]!.audit_ticket_id],
    ]);
    expect(
      mutating()
        .slice(before)
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual([]);
    expect(auditFor()).toHaveLength(1);
    expect(sandbox.state.users.get(DEMO_PEOPLE.lightAgent.id)!.suspended).toBe(true);
  });

  it('dead-letters stale events (older than the policy limit, 30 days) without touching Zendesk', async () => {
    const day = 86_400_000;
    const old = event({
      type: 'lifecycle.access_revoked.v1',
      user: { email: DEMO_PEOPLE.lightAgent2.email },
      time: new Date(Date.now() - 31 * day).toISOString(),
    });
    // No `time`: its age runs from the Kafka record's timestamp.
    const { time: _time, ...timeless } = event({
      type: 'lifecycle.access_revoked.v1',
      user: { email: DEMO_PEOPLE.contributor.email },
    });
    // Every request that may change Zendesk, not only those that did: a no-op update is still touching it.
    const changesBefore = mutating().length;
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: topics.TOPIC_EVENTS,
      messages: [
        { key: eventKey(old), value: JSON.stringify(old) },
        {
          key: eventKey(timeless),
          value: JSON.stringify(timeless),
          timestamp: String(Date.now() - 40 * day),
        },
      ],
    });
    await producer.disconnect();
    const ids = [old.id, timeless.id];
    const deadFor = (dead: KafkaMessage[]) =>
      dead.filter((d) => ids.some((id) => d.value?.toString().includes(id)));
    // The poison record of the first test is a dead letter too.
    const mine = deadFor((await collect([], 3)).dead);
    expect(mine.map((d) => d.headers!['dlq-reason']!.toString())).toEqual(['stale_event', 'stale_event']);
    const errorOf = (id: string) =>
      mine.find((d) => d.value!.toString().includes(id))!.headers!['dlq-error']!.toString();
    expect(errorOf(old.id)).toMatch(/31 days old/);
    expect(errorOf(timeless.id)).toMatch(/40 days old \(the record's timestamp\)/);
    expect(mutating().length).toBe(changesBefore);
    expect(sandbox.state.users.get(DEMO_PEOPLE.lightAgent2.id)!.suspended).toBe(false);
  });
});
