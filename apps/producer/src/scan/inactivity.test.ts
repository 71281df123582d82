// The inactivity scan against the seeded demo sandbox, as a function and from the CLI (listing and publishing).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy } from '@zendesk-lifecycle/core';
import { createTopics, testKafka, uniqueName } from '@zendesk-lifecycle/kafka';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { clientOf } from '../testing/sandbox-client.js';
import { findInactive } from './inactivity.js';

let demo: RunningSandbox;
beforeAll(async () => {
  demo = await startSandbox({ seed: 'demo', rpm: 0 });
});
afterAll(async () => {
  await demo.stop();
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
    // docs/zendesk-rules.md §1: the API user's last_login_at moves with every API-token call (OAuth calls are not mentioned), so
    // the scan must not judge it by it. Here the API user is the bot admin, not the owner.
    const own = await startSandbox({ seed: 'demo', rpm: 0 });
    try {
      const users = own.state.users;
      users.get(DEMO_PEOPLE.owner.id)!.email = 'olivia@acme.test';
      users.get(DEMO_PEOPLE.bot.id)!.email = own.credentials.email.toLowerCase();
      users.get(DEMO_PEOPLE.bot.id)!.last_login_at = null;
      // An agent, not an admin: admins are left out for another reason (below), which would hide this one.
      Object.assign(users.get(DEMO_PEOPLE.bot.id)!, { role: 'agent', role_type: 0, custom_role_id: null });
      const zendesk = clientOf(own);
      expect((await zendesk.serviceUser()).id).toBe(DEMO_PEOPLE.bot.id);
      // Far enough ahead that every sign-in, even one made by this very scan, is older than the cut-off.
      const later = new Date(Date.now() + 1000 * 86_400_000);
      const events = await findInactive({ zendesk, days: 90, policy: defaultPolicy(), now: later });
      const flagged = events.map((e) => e.data.user.id);
      // Admins are protected unless a principal may target them, and the scan publishes without one, so it
      // leaves them out (the consumer would refuse their events anyway).
      const active = [...users.values()].filter(
        (u) => u.role === 'agent' && u.active && !u.suspended && u.id !== DEMO_PEOPLE.owner.id,
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
});
