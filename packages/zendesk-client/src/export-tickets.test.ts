// exportTickets streams a search export page by page to its end (cursor pages, past search's 1,000-result cap).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { createZendeskClient } from './index.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0, searchLagMs: 0 });
  const requester = sandbox.state.findUserByEmail(DEMO_PEOPLE.bot.email)!.id;
  for (let i = 0; i < 1050; i++)
    sandbox.state.addTicket({
      subject: `audit ${i}`,
      requester_id: requester,
      tags: ['itsm_audit'],
      created_at: new Date(Date.UTC(2026, 9, 1, 0, i)).toISOString().replace('.000', ''),
    });
});
afterAll(async () => {
  await sandbox.stop();
});

describe('exportTickets', () => {
  it('yields every matching ticket, one page of 100 at a time', async () => {
    const client = createZendeskClient({
      baseUrl: sandbox.url,
      email: sandbox.credentials.email,
      apiToken: sandbox.credentials.token,
    });
    const sizes: number[] = [];
    const ids = new Set<number>();
    for await (const page of client.exportTickets('tags:itsm_audit created>2026-09-30')) {
      sizes.push(page.length);
      for (const t of page) ids.add(t.id);
    }
    expect(sizes).toEqual([...Array(10).fill(100), 50]);
    expect(ids.size).toBe(1050);
    const none = [];
    for await (const page of client.exportTickets('tags:itsm_audit created>2026-12-01')) none.push(...page);
    expect(none).toEqual([]);
  });
});
