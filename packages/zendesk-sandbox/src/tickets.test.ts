import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from './index.js';
import { api } from './testing/http-client.js';

let sandbox: RunningSandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 10 });
});
afterEach(async () => {
  await sandbox.stop();
});

const ticket = (extra: Record<string, unknown> = {}) => ({
  ticket: {
    subject: 'Audit',
    comment: { body: 'private note', public: false },
    external_id: 'zl:1',
    tags: ['itsm_audit'],
    ...extra,
  },
});

describe('tickets', () => {
  it('creates a ticket (201) with a private comment, found by external id', async () => {
    const res = await api(sandbox)('POST', '/tickets.json', ticket());
    expect(res.status).toBe(201);
    expect(sandbox.state.tickets.get(res.body.ticket.id)!.comments[0]!.public).toBe(false);
    const found = await api(sandbox)('GET', '/tickets.json?external_id=zl:1');
    expect(found.body.tickets.map((t: { id: number }) => t.id)).toEqual([res.body.ticket.id]);
  });

  it('replays a creation with the same Idempotency-Key and body, and refuses the key with another body', async () => {
    const call = api(sandbox);
    const first = await call('POST', '/tickets.json', ticket(), { 'idempotency-key': 'k-1' });
    expect(first.headers.get('x-idempotency-lookup')).toBe('miss');
    const again = await call('POST', '/tickets.json', ticket(), { 'idempotency-key': 'k-1' });
    expect(again.headers.get('x-idempotency-lookup')).toBe('hit');
    expect(again.body.ticket.id).toBe(first.body.ticket.id);
    const other = await call('POST', '/tickets.json', ticket({ subject: 'other' }), {
      'idempotency-key': 'k-1',
    });
    expect(other.status).toBe(400);
    expect(other.body.error).toBe('IdempotentRequestError');
    expect(sandbox.state.tickets.size).toBe(26);
  });

  it('adds the comment and sets the custom fields an update names (OpenAPI TicketUpdateInput)', async () => {
    const call = api(sandbox);
    const created = await call('POST', '/tickets.json', ticket({ custom_fields: [{ id: 1, value: 'a' }] }));
    const id = created.body.ticket.id as number;
    const updated = await call('PUT', `/tickets/${id}.json`, {
      ticket: {
        status: 'solved',
        comment: { body: 'outcome: succeeded', public: false },
        custom_fields: [{ id: 2, value: 'b' }],
      },
    });
    expect(updated.status).toBe(200);
    const held = sandbox.state.tickets.get(id)!;
    expect(held.comments.map((c) => [c.body, c.public])).toEqual([
      ['private note', false],
      ['outcome: succeeded', false],
    ]);
    expect(held.custom_fields).toEqual([
      { id: 1, value: 'a' },
      { id: 2, value: 'b' },
    ]);
  });

  it('lists the tickets a user requested and is assigned, page by page', async () => {
    const requested = await api(sandbox)(
      'GET',
      `/users/${DEMO_PEOPLE.leaver.id}/tickets/requested.json?page[size]=2`,
    );
    expect(requested.body.tickets).toHaveLength(2);
    expect(requested.body.meta.has_more).toBe(true);
    const assigned = await api(sandbox)('GET', `/users/${DEMO_PEOPLE.leaver.id}/tickets/assigned.json`);
    expect(
      assigned.body.tickets.every((t: { assignee_id: number }) => t.assignee_id === DEMO_PEOPLE.leaver.id),
    ).toBe(true);
  });

  it('updates many tickets in a job: open ones move, closed ones are reported failed and left alone', async () => {
    const ids = [...sandbox.state.tickets.values()]
      .filter((t) => t.requester_id === DEMO_PEOPLE.leaver.id)
      .map((t) => t.id);
    const closed = ids.filter((id) => sandbox.state.tickets.get(id)!.status === 'closed');
    expect(closed.length).toBeGreaterThan(0);
    const res = await api(sandbox)('PUT', `/tickets/update_many.json?ids=${ids.join(',')}`, {
      ticket: { requester_id: DEMO_PEOPLE.manager.id },
    });
    expect(res.body.job_status.status).toBe('queued');
    let job = res.body.job_status;
    const seen = new Set<string>([job.status]);
    while (job.status !== 'completed') {
      await new Promise((r) => setTimeout(r, 5));
      job = (await api(sandbox)('GET', `/job_statuses/${job.id}.json`)).body.job_status;
      seen.add(job.status);
    }
    expect(seen.has('working') || seen.has('completed')).toBe(true);
    const failed = job.results
      .filter((r: { success: boolean }) => !r.success)
      .map((r: { id: number }) => r.id);
    expect(failed.sort()).toEqual(closed.sort());
    for (const id of closed) expect(sandbox.state.tickets.get(id)!.requester_id).toBe(DEMO_PEOPLE.leaver.id);
    for (const id of ids.filter((i) => !closed.includes(i)))
      expect(sandbox.state.tickets.get(id)!.requester_id).toBe(DEMO_PEOPLE.manager.id);
  });

  it('refuses more than 100 ids in update many, and updates to a closed ticket', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => i + 1).join(',');
    expect(
      (await api(sandbox)('PUT', `/tickets/update_many.json?ids=${ids}`, { ticket: { status: 'open' } }))
        .status,
    ).toBe(400);
    const closed = [...sandbox.state.tickets.values()].find((t) => t.status === 'closed')!;
    const res = await api(sandbox)('PUT', `/tickets/${closed.id}.json`, { ticket: { status: 'open' } });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('RecordInvalid');
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once the minute budget is spent, and does not process the request', async () => {
    const limited = await startSandbox({ seed: 'demo', rpm: 5 });
    try {
      const call = api(limited);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await call('GET', '/users/me.json')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const res = await call('PUT', `/users/${DEMO_PEOPLE.agent.id}.json`, { user: { suspended: true } });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.state.users.get(DEMO_PEOPLE.agent.id)!.suspended).toBe(false);
    } finally {
      await limited.stop();
    }
  });

  it('reports the budget in headers on every reply', async () => {
    const limited = await startSandbox({ seed: 'demo', rpm: 700 });
    try {
      const res = await api(limited)('GET', '/users/me.json');
      expect(res.headers.get('x-rate-limit')).toBe('700');
      expect(res.headers.get('x-rate-limit-remaining')).toBe('699');
      expect(res.headers.get('ratelimit-remaining')).toBe('699');
    } finally {
      await limited.stop();
    }
  });

  it('limits permanent deletes on their own', async () => {
    const limited = await startSandbox({
      seed: 'demo',
      rpm: 0,
      permanentDeleteLimit: { max: 1, windowMs: 60_000 },
    });
    try {
      const call = api(limited);
      for (const p of [DEMO_PEOPLE.agent, DEMO_PEOPLE.inactive]) await call('DELETE', `/users/${p.id}.json`);
      expect((await call('DELETE', `/deleted_users/${DEMO_PEOPLE.agent.id}.json`)).status).toBe(200);
      const second = await call('DELETE', `/deleted_users/${DEMO_PEOPLE.inactive.id}.json`);
      expect(second.status).toBe(429);
      expect(second.headers.get('zendesk-ratelimit-permanent-delete')).toMatch(/total=1; remaining=0/);
    } finally {
      await limited.stop();
    }
  });
});

describe('faults and the admin API', () => {
  it('injects server errors at a seeded rate, the same way for the same seed', async () => {
    const runs: number[][] = [];
    for (let r = 0; r < 2; r++) {
      const s = await startSandbox({ seed: 'demo', rpm: 0, randomSeed: 7 });
      s.faults.set({ route: 'GET /users/:id', errorRate: 0.5, status: 502 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++)
        statuses.push((await api(s)('GET', `/users/${DEMO_PEOPLE.agent.id}.json`)).status);
      runs.push(statuses);
      await s.stop();
    }
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]!.filter((s) => s === 502).length).toBeGreaterThan(3);
    expect(runs[0]!.filter((s) => s === 200).length).toBeGreaterThan(3);
  });

  it('adds latency, resets connections and storms with 429s, set over HTTP', async () => {
    const admin = (method: string, body?: unknown) =>
      fetch(`${sandbox.url}/__sandbox/faults`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    await admin('POST', { route: 'GET /users/me', latencyMs: 150 });
    const t0 = Date.now();
    await api(sandbox)('GET', '/users/me.json');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    await admin('DELETE');
    await admin('POST', { resetRate: 1 });
    await expect(api(sandbox)('GET', '/users/me.json')).rejects.toThrow();
    await admin('DELETE');
    await admin('POST', { rateLimitStormMs: 60_000 });
    const storm = await api(sandbox)('GET', '/users/me.json');
    expect(storm.status).toBe(429);
    expect(storm.headers.get('retry-after')).toBe('1');
    await admin('DELETE');
    expect((await api(sandbox)('GET', '/users/me.json')).status).toBe(200);
  });

  it('loses the answer but keeps the change with a reset after processing', async () => {
    sandbox.faults.set({ route: 'POST /tickets', resetRate: 1, resetAfterProcessing: true });
    await expect(
      api(sandbox)('POST', '/tickets.json', ticket(), { 'idempotency-key': 'lost' }),
    ).rejects.toThrow();
    sandbox.faults.clear();
    const retry = await api(sandbox)('POST', '/tickets.json', ticket(), { 'idempotency-key': 'lost' });
    expect(retry.headers.get('x-idempotency-lookup')).toBe('hit');
  });

  it('exposes the state and the request log, and resets', async () => {
    await api(sandbox)('PUT', `/users/${DEMO_PEOPLE.agent.id}.json`, { user: { suspended: true } });
    await api(sandbox)('PUT', `/users/${DEMO_PEOPLE.agent.id}.json`, { user: { suspended: true } });
    const log = (await (await fetch(`${sandbox.url}/__sandbox/requests?mutating=true`)).json()) as {
      requests: Array<{ changed: boolean }>;
    };
    expect(log.requests.map((r) => r.changed)).toEqual([true, false]);
    const state = (await (await fetch(`${sandbox.url}/__sandbox/state`)).json()) as {
      users: unknown[];
      owner_id: number;
    };
    expect(state.owner_id).toBe(DEMO_PEOPLE.owner.id);
    await fetch(`${sandbox.url}/__sandbox/reset`, { method: 'POST', body: '{}' });
    expect(sandbox.state.users.get(DEMO_PEOPLE.agent.id)!.suspended).toBe(false);
  });
});
