import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { createZendeskClient } from './index.js';

let big: RunningSandbox;
let demo: RunningSandbox;
beforeAll(async () => {
  big = await startSandbox({ seed: { users: 20_000, tickets: 0 }, rpm: 0 });
  demo = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 2 });
});
afterAll(async () => {
  await big.stop();
  await demo.stop();
});

const clientOf = (s: RunningSandbox) =>
  createZendeskClient({ baseUrl: s.url, email: s.credentials.email, apiToken: s.credentials.token });

describe('at scale', () => {
  it('streams every agent and admin of a 20,000-user account exactly once', async () => {
    const expected = [...big.state.users.values()].filter((u) => u.role !== 'end-user').length;
    const seen = new Set<number>();
    for await (const account of clientOf(big).listAccounts()) seen.add(account.user.id);
    expect(seen.size).toBe(expected);
    expect(expected).toBeGreaterThan(15_000);
  });

  it('transfers 1,200 requested tickets, leaving the closed ones', async () => {
    for (let i = 0; i < 1200; i++) {
      demo.state.addTicket({
        subject: `bulk ${i}`,
        requester_id: DEMO_PEOPLE.agent.id,
        status: i % 10 === 0 ? 'closed' : 'open',
      });
    }
    const client = clientOf(demo);
    const user = (await client.getUser(DEMO_PEOPLE.agent.id))!;
    const report = await client
      .asPort()
      .transferData(user, { id: DEMO_PEOPLE.manager.id }, { idempotency_key: 'bulk' });
    expect(report.transfer!.moved).toHaveLength(1080);
    expect(report.transfer!.skipped).toHaveLength(120);
    expect(report.transfer!.failed).toHaveLength(0);
    const updates = demo.state.requestLog.filter((r) => r.path.includes('update_many'));
    expect(updates).toHaveLength(11);
  });

  it('paces itself below the rate limit instead of collecting 429s', async () => {
    // Half as many calls again as the account allows in a minute: without pacing, the last third would be 429s.
    const rpm = 20;
    const calls = 30;
    const limited = await startSandbox({ seed: 'demo', rpm });
    try {
      const client = clientOf(limited);
      const t0 = Date.now();
      for (let i = 0; i < calls; i++) expect(await client.getUser(DEMO_PEOPLE.agent.id)).not.toBeNull();
      const answered = limited.state.requestLog.filter((r) => r.path.startsWith('/api/v2/'));
      expect(answered.length).toBeGreaterThanOrEqual(calls);
      expect(answered.filter((r) => r.status === 429)).toHaveLength(0);
      expect(client.stats().rateLimited).toBe(0);
      // The budget frees up as the rolling minute moves on: the calls over it had to wait for that.
      expect(Date.now() - t0).toBeGreaterThan(20_000);
    } finally {
      await limited.stop();
    }
  }, 120_000);

  it('keeps permanent deletions within the endpoint budget the account reports', async () => {
    const limited = await startSandbox({
      seed: 'demo',
      rpm: 0,
      permanentDeleteLimit: { max: 2, windowMs: 2000 },
    });
    try {
      const client = clientOf(limited);
      const port = client.asPort();
      // People Zendesk lets go: no unclosed requested ticket, no open assigned ticket (docs/zendesk-rules.md §4).
      const people = [
        DEMO_PEOPLE.reviewed,
        DEMO_PEOPLE.rehire,
        DEMO_PEOPLE.lightAgent,
        DEMO_PEOPLE.contributor,
      ];
      for (const person of people) {
        const user = (await client.getUser(person.id))!;
        await port.deprovision(user, { idempotency_key: `pd-${person.id}`, permanent: true });
      }
      const deletes = limited.state.requestLog.filter((r) => r.path.startsWith('/api/v2/deleted_users/'));
      expect(deletes.filter((r) => r.status === 200)).toHaveLength(4);
      expect(deletes.filter((r) => r.status === 429)).toHaveLength(0);
    } finally {
      await limited.stop();
    }
  }, 30_000);
});
