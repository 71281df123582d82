// Account sync against a sandbox of 10,000 users and the real broker: snapshots, then suspended and removed users,
// tombstones for deleted users, and invalid records of the accounts topic skipped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildResultEvent, createLifecycleEvent, defaultPolicy, planEvent } from '@zendesk-lifecycle/core';
import { createTopics, testKafka, uniqueName } from '@zendesk-lifecycle/kafka';
import { createKafka, kafkaSettingsFromEnv, readTopicToEnd } from '@zendesk-lifecycle/service-runtime';
import { startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { clientOf } from '../testing/sandbox-client.js';
import { syncAccounts } from './sync.js';

let big: RunningSandbox;
beforeAll(async () => {
  big = await startSandbox({ seed: { users: 10_000, tickets: 0 }, rpm: 0 });
});
afterAll(async () => {
  await big.stop();
});

describe('sync', () => {
  it('publishes one snapshot per agent and admin of 10,000 users, then reports suspended and removed users', async () => {
    const id = uniqueName('sync');
    const settings = kafkaSettingsFromEnv({
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
      TOPIC_ACCOUNTS: `${id}.accounts`,
      TOPIC_SCHEDULED: `${id}.scheduled`,
      TOPIC_RESULTS: `${id}.results`,
    });
    const kafka = createKafka(settings);
    const admin = testKafka().admin();
    await admin.connect();
    await createTopics(admin, [
      {
        topic: settings.topics.accounts,
        numPartitions: 3,
        configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
      },
      { topic: settings.topics.results, numPartitions: 1 },
    ]);
    await admin.disconnect();
    const zendesk = clientOf(big);
    const first = await syncAccounts({ zendesk, kafka, settings });
    const staff = [...big.state.users.values()].filter((u) => u.role !== 'end-user');
    expect(first.snapshots).toHaveLength(staff.length);
    expect(first.byStatus.suspended).toBe(staff.filter((u) => u.suspended).length);
    expect(Object.keys(first.bySeat).sort()).toEqual(['free', 'light_agent', 'paid']);
    // docs/zendesk-rules.md §9: light agents and contributors are paid only with Chat/Guide/Explore roles the public API cannot
    // show (unknown); a suspended agent keeps its paid seat (§2).
    const partial = staff.filter((u) => u.role_type === 1 || u.role_type === 3);
    expect(first.byPaidSeat).toEqual({ yes: staff.length - partial.length, unknown: partial.length });
    const suspendedAgent = staff.find((u) => u.suspended && u.role === 'agent' && u.role_type === 0)!;
    expect(first.snapshots.find((s) => s.user_id === suspendedAgent.id)).toMatchObject({
      status: 'suspended',
      seat: 'paid',
      paid_seat: 'yes',
    });

    const [downgraded, deleted, suspended, deletedByUs] = staff
      .filter((u) => u.role === 'agent' && !u.suspended)
      .slice(0, 4);
    big.state.users.get(downgraded!.id)!.role = 'end-user';
    big.state.softDelete(big.state.users.get(deleted!.id)!);
    big.state.users.get(suspended!.id)!.suspended = true;
    // Deleted by our consumer: its result names the user by email in the subject and carries the resolved id.
    big.state.softDelete(big.state.users.get(deletedByUs!.id)!);
    const plan = planEvent(
      createLifecycleEvent({
        source: 'hr/test',
        type: 'lifecycle.access_revoked.v1',
        user: { email: deletedByUs!.email },
        actions: ['deprovision'],
      }),
      defaultPolicy(),
    );
    const at = new Date();
    const result = buildResultEvent(
      plan,
      {
        status: 'completed',
        zendesk_user_id: deletedByUs!.id,
        steps: [
          {
            index: 0,
            action: 'deprovision',
            idempotency_key: plan.steps[0]!.idempotency_key,
            outcome: 'succeeded',
            audit_ticket_id: 1,
            recalled: false,
            started_at: at.toISOString(),
            finished_at: at.toISOString(),
            duration_ms: 0,
          },
        ],
      },
      { source: 'test', startedAt: at, finishedAt: at },
    );
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: settings.topics.results,
      messages: [{ key: result.subject, value: JSON.stringify(result) }],
    });
    // Whoever may write the accounts topic could put anything there: not JSON, and a snapshot under another key.
    const someone = first.snapshots.find((s) => s.user_id === suspended!.id)!;
    await producer.send({
      topic: settings.topics.accounts,
      messages: [
        { key: 'id:1', value: 'not json' },
        { key: `id:${downgraded!.id}`, value: JSON.stringify(someone) },
        { key: 'id:2', value: JSON.stringify({ ...someone, user_id: 2, status: 'gone' }) },
      ],
    });
    await producer.disconnect();
    const second = await syncAccounts({ zendesk, kafka, settings });
    expect(second.invalidRecords).toBe(3);
    const status = (id: number) => second.snapshots.find((s) => s.user_id === id)!.status;
    expect(status(downgraded!.id)).toBe('deprovisioned');
    expect(status(deleted!.id)).toBe('suspended');
    expect(second.snapshots.find((s) => s.user_id === deleted!.id)).toMatchObject({
      seat: null,
      paid_seat: 'no',
    });
    expect(status(suspended!.id)).toBe('suspended');
    expect(result.subject).toMatch(/^email:/);
    expect(status(deletedByUs!.id)).toBe('deprovisioned');

    // Deleted users are reported once, then removed from the compacted topic: the last record of their key is a
    // tombstone (null value). A downgraded user still exists and keeps a snapshot.
    const latest = new Map<string, string | null>();
    await readTopicToEnd(kafka, settings.topics.accounts, (m) =>
      latest.set(m.key!.toString(), m.value === null ? null : m.value.toString()),
    );
    expect(latest.get(`id:${deleted!.id}`)).toBeNull();
    expect(latest.get(`id:${deletedByUs!.id}`)).toBeNull();
    expect(JSON.parse(latest.get(`id:${downgraded!.id}`)!)).toMatchObject({ status: 'deprovisioned' });
    const third = await syncAccounts({ zendesk, kafka, settings });
    const reported = new Set(third.snapshots.map((s) => s.user_id));
    expect(reported.has(deleted!.id) || reported.has(deletedByUs!.id)).toBe(false);
  }, 180_000);
});
