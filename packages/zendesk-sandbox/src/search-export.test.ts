// Ticket search by creation date, and the search export that reads every result in cursor pages (S1, S16).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from './index.js';
import { api } from './testing/http-client.js';

let sandbox: RunningSandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0, searchLagMs: 0 });
  const requester = sandbox.state.findUserByEmail(DEMO_PEOPLE.bot.email)!.id;
  // 1,100 audit tickets, one an hour from 2026-09-01T00:30Z on, and one that is not an audit ticket.
  for (let i = 0; i < 1100; i++) {
    const at = new Date(Date.UTC(2026, 8, 1, i, 30)).toISOString().replace('.000', '');
    sandbox.state.addTicket({
      subject: `audit ${i}`,
      requester_id: requester,
      tags: ['itsm_audit'],
      created_at: at,
    });
  }
  sandbox.state.addTicket({
    subject: 'other',
    requester_id: requester,
    tags: ['other_tag'],
    created_at: '2026-10-05T00:00:00Z',
  });
});
afterEach(async () => {
  await sandbox.stop();
});

const q = (query: string) => encodeURIComponent(query);
type Found = { id: number; created_at: string; result_type: string };

describe('search by date', () => {
  it('compares created with a day (UTC) or an ISO time, and keeps every other term', async () => {
    const call = api(sandbox);
    const count = async (query: string) =>
      (await call('GET', `/search.json?query=${q(query)}`)).body.count as number;
    expect(await count('type:ticket tags:itsm_audit created>2026-09-30 created<2026-10-03')).toBe(48);
    expect(await count('type:ticket tags:itsm_audit created>=2026-10-01 created<=2026-10-03')).toBe(72);
    expect(await count('type:ticket tags:itsm_audit created:2026-10-01')).toBe(24);
    expect(await count('type:ticket tags:itsm_audit tags:other_tag created:2026-10-05')).toBe(25);
    expect(
      await count('type:ticket tags:itsm_audit created>2026-10-01T12:00:00Z created<2026-10-01T14:00:00Z'),
    ).toBe(2);
    expect((await call('GET', `/search.json?query=${q('created>yesterdayish')}`)).status).toBe(400);
  });
});

describe('search export', () => {
  it('reads every result past 1,000 in cursor pages ordered by creation, with no count', async () => {
    const call = api(sandbox);
    const seen: Found[] = [];
    let path: string | null =
      `/search/export.json?query=${q('tags:itsm_audit created>2026-08-31')}&filter%5Btype%5D=ticket&page%5Bsize%5D=100`;
    let pages = 0;
    while (path !== null) {
      const res = await call('GET', path);
      expect(res.status).toBe(200);
      expect(res.body.count).toBeUndefined();
      seen.push(...(res.body.results as Found[]));
      pages++;
      path = res.body.meta.has_more ? (res.body.links.next as string) : null;
    }
    expect(pages).toBe(11);
    expect(seen).toHaveLength(1100);
    expect(new Set(seen.map((t) => t.id)).size).toBe(1100);
    expect(seen.every((t) => t.result_type === 'ticket')).toBe(true);
    const times = seen.map((t) => t.created_at);
    expect([...times].sort()).toEqual(times);
  });

  it('wants the type in filter[type], never in the query', async () => {
    const call = api(sandbox);
    expect((await call('GET', `/search/export.json?query=${q('tags:itsm_audit')}`)).status).toBe(400);
    const typed = await call('GET', `/search/export.json?query=${q('type:ticket')}&filter%5Btype%5D=ticket`);
    expect(typed.status).toBe(400);
    const users = await call(
      'GET',
      `/search/export.json?query=${q('tags:itsm_audit')}&filter%5Btype%5D=user`,
    );
    expect(users.body.results).toEqual([]);
  });
});
