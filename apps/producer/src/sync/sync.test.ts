import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy, kafkaSettingsFromEnv } from '@zendesk-lifecycle/core';
import { createTopics, testKafka, uniqueName } from '@zendesk-lifecycle/kafka';
import { createZendeskClient } from '@zendesk-lifecycle/zendesk-client';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { createKafka } from '../kafka/client.js';
import { findInactive } from './scan.js';
import { syncAccounts } from './sync.js';

let big: RunningSandbox;
let demo: RunningSandbox;
beforeAll(async () => {
  big = await startSandbox({ seed: { users: 10_000, tickets: 0 }, rpm: 0 });
  demo = await startSandbox({ seed: 'demo', rpm: 0 });
});
afterAll(async () => {
  await big.stop();
  await demo.stop();
});
const clientOf = (s: RunningSandbox) =>
  createZendeskClient({
    baseUrl: s.url,
    email: s.credentials.email,
    apiToken: s.credentials.token,
    // Zendesk's public API does not name the account owner (facts.md §11): it is configured.
    accountOwnerId: s.state.ownerId,
  });

describe('sync', () => {
  it('publishes one snapshot per agent and admin of 10,000 users, then reports suspended and removed users', async () => {
    const id = uniqueName('sync');
    const settings = kafkaSettingsFromEnv({
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
      TOPIC_ACCOUNTS: `${id}.accounts`,
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
    // facts §9: light agents and contributors are paid only with Chat/Guide/Explore roles the public API cannot
    // show (unknown); a suspended agent keeps its paid seat (§2).
    const partial = staff.filter((u) => u.role_type === 1 || u.role_type === 3);
    expect(first.byPaidSeat).toEqual({ yes: staff.length - partial.length, unknown: partial.length });
    const suspendedAgent = staff.find((u) => u.suspended && u.role === 'agent' && u.role_type === 0)!;
    expect(first.snapshots.find((s) => s.user_id === suspendedAgent.id)).toMatchObject({
      status: 'suspended',
      seat: 'paid',
      paid_seat: 'yes',
    });

    const [downgraded, deleted, suspended] = staff
      .filter((u) => u.role === 'agent' && !u.suspended)
      .slice(0, 3);
    big.state.users.get(downgraded!.id)!.role = 'end-user';
    big.state.softDelete(big.state.users.get(deleted!.id)!);
    big.state.users.get(suspended!.id)!.suspended = true;
    const second = await syncAccounts({ zendesk, kafka, settings });
    const status = (id: number) => second.snapshots.find((s) => s.user_id === id)!.status;
    expect(status(downgraded!.id)).toBe('deprovisioned');
    expect(status(deleted!.id)).toBe('suspended');
    expect(second.snapshots.find((s) => s.user_id === deleted!.id)).toMatchObject({
      seat: null,
      paid_seat: 'no',
    });
    expect(status(suspended!.id)).toBe('suspended');
  }, 120_000);
});

describe('scan-inactive', () => {
  it('finds exactly the agents without a sign-in for N days, skipping the owner and protected users', async () => {
    const events = await findInactive({
      zendesk: clientOf(demo),
      days: 90,
      policy: defaultPolicy({
        protected_users: { ids: [DEMO_PEOPLE.lightAgent2.id], emails: [], external_ids: [] },
      }),
    });
    const users = events.map((e) => e.data.user.id).sort();
    expect(users).toEqual([DEMO_PEOPLE.inactive.id, DEMO_PEOPLE.agent.id].sort());
    expect(events.every((e) => e.type === 'lifecycle.inactivity.v1')).toBe(true);
  });

  it('never flags the service identity, whose last_login_at says nothing about a person', async () => {
    // facts §1: the API user's last_login_at moves with every API-token call (OAuth calls are not mentioned), so
    // the scan must not judge it by it. Here the API user is the bot admin, not the owner.
    const own = await startSandbox({ seed: 'demo', rpm: 0 });
    try {
      const users = own.state.users;
      users.get(DEMO_PEOPLE.owner.id)!.email = 'olivia@acme.test';
      users.get(DEMO_PEOPLE.bot.id)!.email = own.credentials.email.toLowerCase();
      users.get(DEMO_PEOPLE.bot.id)!.last_login_at = null;
      const zendesk = clientOf(own);
      expect((await zendesk.serviceUser()).id).toBe(DEMO_PEOPLE.bot.id);
      // Far enough ahead that every sign-in, even one made by this very scan, is older than the cut-off.
      const later = new Date(Date.now() + 1000 * 86_400_000);
      const events = await findInactive({ zendesk, days: 90, policy: defaultPolicy(), now: later });
      const flagged = events.map((e) => e.data.user.id);
      const active = [...users.values()].filter(
        (u) => u.role !== 'end-user' && u.active && !u.suspended && u.id !== DEMO_PEOPLE.owner.id,
      );
      expect(flagged.sort()).toEqual(
        active
          .map((u) => u.id)
          .filter((id) => id !== DEMO_PEOPLE.bot.id)
          .sort(),
      );
    } finally {
      await own.stop();
    }
  });

  it('lists them from the CLI with --dry-run, publishing nothing', async () => {
    const { stdout } = await promisify(execFile)(
      'npx',
      ['tsx', 'src/cli.ts', 'scan-inactive', '--days', '90', '--dry-run'],
      {
        cwd: new URL('../..', import.meta.url).pathname,
        env: {
          ...process.env,
          ZENDESK_BASE_URL: demo.url,
          ZENDESK_EMAIL: demo.credentials.email,
          ZENDESK_API_TOKEN: demo.credentials.token,
        },
      },
    );
    expect(stdout).toContain(`"id":${DEMO_PEOPLE.inactive.id}`);
    expect(stdout).toContain('3 agents would get an inactivity event');
  });

  it('publishes exactly the expected inactivity events to Kafka from the CLI', async () => {
    const topic = `${uniqueName('scan')}.events`;
    const admin = testKafka().admin();
    await admin.connect();
    await createTopics(admin, [{ topic, numPartitions: 2 }]);
    await admin.disconnect();
    await promisify(execFile)('npx', ['tsx', 'src/cli.ts', 'scan-inactive', '--days', '90'], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: {
        ...process.env,
        TOPIC_EVENTS: topic,
        ZENDESK_BASE_URL: demo.url,
        ZENDESK_EMAIL: demo.credentials.email,
        ZENDESK_API_TOKEN: demo.credentials.token,
      },
    });
    const keys: string[] = [];
    const reader = testKafka().consumer({ groupId: uniqueName('scan-reader'), maxWaitTimeInMs: 200 });
    await reader.connect();
    await reader.subscribe({ topic, fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void keys.push(message.key!.toString()) });
    const deadline = Date.now() + 15_000;
    while (keys.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    await reader.disconnect();
    expect(keys.sort()).toEqual(
      [DEMO_PEOPLE.inactive.id, DEMO_PEOPLE.agent.id, DEMO_PEOPLE.lightAgent2.id]
        .map((id) => `id:${id}`)
        .sort(),
    );
  });

  it('publishes an event from the CLI, and validates it first', async () => {
    const run = promisify(execFile);
    const cwd = new URL('../..', import.meta.url).pathname;
    const dry = await run(
      'npx',
      [
        'tsx',
        'src/cli.ts',
        'publish',
        '--type',
        'lifecycle.access_revoked.v1',
        '--user-email',
        'rita@acme.test',
        '--dry-run',
      ],
      { cwd },
    );
    expect(JSON.parse(dry.stdout).subject).toBe('email:rita@acme.test');
    const bad = await run(
      'npx',
      ['tsx', 'src/cli.ts', 'publish', '--type', 'lifecycle.access_revoked.v1', '--user-email', 'nope'],
      { cwd },
    ).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(2);
    expect((bad as { stderr: string }).stderr).toMatch(/data.user.email/);
  });
});
