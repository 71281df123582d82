// Several clients in one process sharing one sandbox account, each told its share as a consumer tells it on a
// rebalance: Zendesk's budget is split instead of raced for, with no 429s.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { createZendeskClient, type ZendeskClient } from '../index.js';

let sandbox: RunningSandbox | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

const clientOf = (s: RunningSandbox) =>
  createZendeskClient({ baseUrl: s.url, email: s.credentials.email, apiToken: s.credentials.token });

const rateLimited = (s: RunningSandbox) => s.state.requestLog.filter((r) => r.status === 429).length;

describe('several clients on one account', () => {
  it('split the account budget of a minute by their shares, without a 429', async () => {
    const rpm = 60;
    sandbox = await startSandbox({ seed: 'demo', rpm });
    const s = sandbox;
    const clients: ZendeskClient[] = [clientOf(s), clientOf(s), clientOf(s)];
    for (const client of clients) client.shareRateBudget(1 / 3);
    const served = [0, 0, 0];
    const owner = s.state.ownerId!;
    // Each client wants 40 calls with 4 at a time: 120 against a budget of 60 in this minute.
    let stop = false;
    const work = clients.map((client, c) =>
      Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let i = 0; i < 10 && !stop; i++) {
            await client.getUser(owner);
            served[c]!++;
          }
        }),
      ),
    );
    const deadline = Date.now() + 4000;
    while (Date.now() < deadline && served.reduce((a, b) => a + b, 0) < rpm)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    stop = true;
    // The calls still waiting wait for the window: they are left behind (the sandbox stops under them).
    void Promise.allSettled(work);
    expect(rateLimited(s)).toBe(0);
    const total = served.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(rpm * 0.9);
    expect(total).toBeLessThanOrEqual(rpm);
    // None is starved (the first calls go before any answer has told the budget).
    for (const n of served) expect(n).toBeGreaterThanOrEqual(rpm / 6);
    expect(clients.every((client) => client.stats().rateLimited === 0)).toBe(true);
  });

  it('split an endpoint limit (permanent deletes) over several windows, without a 429', async () => {
    const limit = { max: 20, windowMs: 1000 };
    sandbox = await startSandbox({ seed: { users: 150, tickets: 0 }, rpm: 0, permanentDeleteLimit: limit });
    const s = sandbox;
    const agents = [...s.state.users.values()].filter((u) => u.role === 'agent' && u.id !== s.state.ownerId);
    const victims = agents.slice(0, 90);
    for (const u of victims) s.state.softDelete(u);
    const clients = [clientOf(s), clientOf(s), clientOf(s)];
    for (const client of clients) client.shareRateBudget(1 / 3);
    const started = Date.now();
    await Promise.all(
      clients.map(async (client, c) => {
        const mine = victims.filter((_, i) => i % 3 === c);
        await Promise.all(
          [0, 1].map(async (lane) => {
            for (const u of mine.filter((_, i) => i % 2 === lane)) {
              const user = (await client.getUser(u.id))!;
              const report = await client.asPort().purge(user, { idempotency_key: `purge-${u.id}` });
              expect(report.status).toBe('succeeded');
            }
          }),
        );
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    expect(rateLimited(s)).toBe(0);
    // 90 deletes at 20 a second: at least 4 s; the whole-second `resets` of the header costs some of a window.
    expect(seconds).toBeGreaterThanOrEqual(4);
    expect(seconds).toBeLessThan(12);
  });
});
