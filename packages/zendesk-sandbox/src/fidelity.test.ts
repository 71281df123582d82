// Zendesk's documented behaviour, one test each, citing its source (docs/zendesk-rules.md sections and
// S-numbers, or the OpenAPI path): paging, refusals, ticket moves, roles, lookups, errors, limits and jobs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ADMIN_ROLE_ID,
  BILLING_ADMIN_ROLE_ID,
  DEMO_PEOPLE,
  LIGHT_AGENT_ROLE_ID,
  startSandbox,
  type RunningSandbox,
  type SandboxOptions,
} from './index.js';
import { api } from './testing/http-client.js';
import { validateSchema } from './testing/openapi.js';

const p = DEMO_PEOPLE;
let sandbox: RunningSandbox;
const started: RunningSandbox[] = [];

async function start(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const s = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 5, searchLagMs: 0, ...options });
  started.push(s);
  return s;
}
beforeEach(async () => {
  sandbox = await start();
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

const call = (...args: Parameters<ReturnType<typeof api>>) => api(sandbox)(...args);
const as = (who: { email: string }) =>
  api(sandbox, `Basic ${Buffer.from(`${who.email}/token:${sandbox.credentials.token}`).toString('base64')}`);
const assigneeOf = (id: number) => sandbox.state.tickets.get(id)!.assignee_id;
const ticketsOf = (field: 'requester_id' | 'assignee_id', userId: number) =>
  [...sandbox.state.tickets.values()].filter((t) => t[field] === userId);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function jobDone(id: string) {
  for (;;) {
    const job = (await call('GET', `/job_statuses/${id}.json`)).body.job_status;
    if (job.status !== 'queued' && job.status !== 'working') return job;
    await sleep(5);
  }
}

describe('pagination (docs/zendesk-rules.md §1, S2, S3)', () => {
  it('pages by offset when page[size] is absent, by cursor only with it', async () => {
    const offset = await call('GET', '/users.json?per_page=5');
    expect(Object.keys(offset.body).sort()).toEqual(['count', 'next_page', 'previous_page', 'users']);
    expect(offset.body.next_page).toContain('page=2');
    const requested = await call('GET', `/users/${p.leaver.id}/tickets/requested.json`);
    expect(requested.body.links).toBeUndefined();
    expect(requested.body.count).toBe(ticketsOf('requester_id', p.leaver.id).length);
    const cursor = await call('GET', '/users.json?page[size]=5');
    expect(Object.keys(cursor.body).sort()).toEqual(['links', 'meta', 'users']);
  });

  it("keeps links.next on the last cursor page, with has_more false (S1's example)", async () => {
    const last = await call('GET', '/users.json?page[size]=100');
    expect(last.body.meta.has_more).toBe(false);
    expect(last.body.links.next).toContain('page%5Bafter%5D=');
    const beyond = await api(sandbox)('GET', last.body.links.next);
    expect(beyond.body.users).toEqual([]);
  });

  it('refuses offset requests past the first 10,000 records, counting records, not pages (S3, S19)', async () => {
    expect((await call('GET', '/users.json?page=1000&per_page=10')).status).toBe(200);
    expect((await call('GET', '/users.json?page=100&per_page=100')).status).toBe(200);
    const deep = await call('GET', '/users.json?page=1001&per_page=10');
    expect(deep.status).toBe(400);
    expect(deep.body.errors[0].code).toBe('InvalidPaginationDepth');
    expect((await call('GET', '/users/search.json?query=acme&page=101')).status).toBe(400);
  });
});

describe('soft delete of a requester (docs/zendesk-rules.md §4, S10, S7)', () => {
  it('is refused while the user requests tickets that are not closed, and allowed once they are', async () => {
    const open = ticketsOf('requester_id', p.leaver.id).filter((t) => t.status !== 'closed');
    expect(open.length).toBeGreaterThan(0);
    const refused = await call('DELETE', `/users/${p.leaver.id}.json`);
    // 422 RecordInvalid is the sandbox's choice: Zendesk's status is unverified (docs/zendesk-rules.md §4).
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('RecordInvalid');
    expect(refused.body.details.base[0].description).toBe(
      `User is requester on ${open.length} tickets that are not closed`,
    );
    expect(sandbox.state.users.has(p.leaver.id)).toBe(true);
    for (const t of open) t.status = 'closed';
    expect((await call('DELETE', `/users/${p.leaver.id}.json`)).status).toBe(200);
  });
});

describe('open tickets of a removed agent (docs/zendesk-rules.md §3, S7, S8)', () => {
  it('go to the acting admin on a downgrade, or to the first agent of a group the admin is not in', async () => {
    const assigned = ticketsOf('assignee_id', p.leaver.id).map((t) => t.id);
    expect(assigned).toEqual([101, 106, 111, 116, 121]);
    // The demo's API user (the owner) is in Support, not in Escalations (tickets 106 and 116).
    const res = await call('PUT', `/users/${p.leaver.id}.json`, { user: { role: 'end-user' } });
    expect(res.status).toBe(200);
    expect([101, 111, 121].map(assigneeOf)).toEqual([p.owner.id, p.owner.id, p.owner.id]);
    expect([106, 116].map(assigneeOf)).toEqual([p.manager.id, p.manager.id]);
    const memberships = await call('GET', '/group_memberships.json');
    expect(
      memberships.body.group_memberships.some((m: { user_id: number }) => m.user_id === p.leaver.id),
    ).toBe(false);
  });

  it('go to whoever makes the call: another admin', async () => {
    await as(p.admin)('PUT', `/users/${p.leaver.id}.json`, { user: { role: 'end-user' } });
    expect([101, 111, 121].map(assigneeOf)).toEqual([p.admin.id, p.admin.id, p.admin.id]);
  });

  it('go to the owner when nobody else is left in the group (secondary summary, docs/zendesk-rules.md §3)', async () => {
    for (const who of [p.manager, p.agent])
      await call('PUT', `/users/${who.id}.json`, { user: { role: 'end-user' } });
    await call('PUT', `/users/${p.leaver.id}.json`, { user: { role: 'end-user' } });
    expect([106, 116].map(assigneeOf)).toEqual([p.owner.id, p.owner.id]);
  });

  it('stay put when solved', async () => {
    const solved = ticketsOf('assignee_id', p.inactive.id);
    expect(solved.every((t) => t.status === 'solved')).toBe(true);
    await call('PUT', `/users/${p.inactive.id}.json`, { user: { role: 'end-user' } });
    expect(solved.map((t) => assigneeOf(t.id))).toEqual(solved.map(() => p.inactive.id));
  });

  it('are reassigned the same way when an agent is deleted', async () => {
    const pending = ticketsOf('assignee_id', p.agent.id).map((t) => t.id);
    expect(pending.length).toBeGreaterThan(0);
    expect((await call('DELETE', `/users/${p.agent.id}.json`)).status).toBe(200);
    expect(pending.map(assigneeOf)).toEqual(pending.map(() => p.owner.id));
  });

  it('are unassigned when the agent moves to light agent (S8, 2026-04-30)', async () => {
    const open = ticketsOf('assignee_id', p.manager.id).map((t) => t.id);
    expect(open.length).toBeGreaterThan(0);
    const res = await call('PUT', `/users/${p.manager.id}.json`, {
      user: { custom_role_id: LIGHT_AGENT_ROLE_ID },
    });
    expect(res.body.user.role_type).toBe(1);
    expect(open.map(assigneeOf)).toEqual(open.map(() => null));
  });
});

describe('seats and roles (docs/zendesk-rules.md §2, §9, S9, S14, S15)', () => {
  it('leaves a suspended agent an agent with a seat; only a downgrade frees it', async () => {
    const s = await start({ privateEntitlements: true });
    const suspended = await api(s)('PUT', `/users/${p.agent.id}.json`, { user: { suspended: true } });
    expect(suspended.body.user).toMatchObject({ role: 'agent', role_type: 0, suspended: true });
    const seat = await api(s)('GET', `/api/admin/private/staff/${p.agent.id}/entitlements`);
    expect(seat.body.entitlements.support).toEqual({ name: 'agent', is_active: true });
  });

  it('gives admins role_type 4 and the built-in admin role; billing admins 5', async () => {
    const admin = (await call('GET', `/users/${p.admin.id}.json`)).body.user;
    expect(admin).toMatchObject({ role_type: 4, custom_role_id: ADMIN_ROLE_ID });
    const billing = await call('PUT', `/users/${p.admin.id}.json`, {
      user: { custom_role_id: BILLING_ADMIN_ROLE_ID },
    });
    expect(billing.body.user).toMatchObject({ role_type: 5, custom_role_id: BILLING_ADMIN_ROLE_ID });
    const agent = await call('PUT', `/users/${p.admin.id}.json`, { user: { role: 'agent' } });
    expect(agent.body.user).toMatchObject({ role_type: 0, custom_role_id: null });
    const roles = (await call('GET', '/custom_roles.json')).body.custom_roles;
    expect(
      roles.filter((r: { role_type: number }) => r.role_type >= 4).map((r: { id: number }) => r.id),
    ).toEqual([ADMIN_ROLE_ID, BILLING_ADMIN_ROLE_ID]);
  });

  it('refuses to downgrade, suspend or delete the account owner (S10, S21; status and body unverified)', async () => {
    for (const [method, body] of [
      ['PUT', { user: { role: 'end-user' } }],
      ['PUT', { user: { suspended: true } }],
      ['DELETE', undefined],
    ] as const) {
      const res = await call(method, `/users/${p.owner.id}.json`, body);
      expect(res.status).toBe(403);
    }
    expect(sandbox.state.users.get(p.owner.id)).toMatchObject({ role: 'admin', suspended: false });
  });
});

describe('finding users (docs/zendesk-rules.md §1, §8, S1, S16)', () => {
  it('treats external_id as case-insensitive in list filters, search and show_many', async () => {
    const ids = (res: { body: Record<string, unknown> }) =>
      (res.body.users as Array<{ id: number }>).map((u) => u.id);
    expect(ids(await call('GET', '/users.json?external_id=hr-1011'))).toEqual([p.leaver.id]);
    expect(ids(await call('GET', '/users/search.json?external_id=Hr-1011'))).toEqual([p.leaver.id]);
    expect(ids(await call('GET', '/users/search.json?query=external_id:hr-1011'))).toEqual([p.leaver.id]);
    expect(ids(await call('GET', '/users/show_many.json?external_ids=hr-1011,HR-1012'))).toEqual([
      p.leaver.id,
      p.reviewed.id,
    ]);
    const taken = await call('POST', '/users.json', { user: { name: 'X', external_id: 'hr-1011' } });
    expect(taken.status).toBe(422);
  });

  it('finds seeded users in search at once, and API changes only after the lag', async () => {
    const s = await start({ searchLagMs: 300 });
    const search = (q: string) => api(s)('GET', `/users/search.json?query=${encodeURIComponent(q)}`);
    expect((await search(`email:${p.reviewed.email}`)).body.count).toBe(1);
    const created = (
      await api(s)('POST', '/users.json', { user: { name: 'Fresh', email: 'fresh@acme.test' } })
    ).body.user;
    expect((await search('email:fresh@acme.test')).body.count).toBe(0);
    // List filters and show do not lag.
    expect((await api(s)('GET', `/users/${created.id}.json`)).status).toBe(200);
    expect((await api(s)('GET', `/users/show_many.json?ids=${created.id}`)).body.users).toHaveLength(1);
    await api(s)('PUT', `/users/${p.reviewed.id}.json`, { user: { name: 'Rita Renamed' } });
    expect((await search('name:renamed')).body.count).toBe(0);
    expect((await search('name:rita reviewed')).body.count).toBe(1);
    await sleep(350);
    expect((await search('email:fresh@acme.test')).body.users[0].id).toBe(created.id);
    expect((await search('name:renamed')).body.count).toBe(1);
  });

  it('changes the lag at run time through the admin API', async () => {
    const s = await start({ searchLagMs: 60_000 });
    await fetch(`${s.url}/__sandbox/search-lag`, { method: 'POST', body: JSON.stringify({ ms: 0 }) });
    await api(s)('POST', '/users.json', { user: { name: 'Now', email: 'now@acme.test' } });
    expect((await api(s)('GET', '/users/search.json?query=email:now@acme.test')).body.count).toBe(1);
  });

  it('adds a secondary email on update and keeps the primary (S1 users: email)', async () => {
    const res = await call('PUT', `/users/${p.agent.id}.json`, { user: { email: 'alex.new@acme.test' } });
    expect(res.body.user.email).toBe(p.agent.email);
    const found = await call('GET', '/users/search.json?query=email:alex.new@acme.test');
    expect(found.body.users[0].id).toBe(p.agent.id);
  });
});

describe('error envelopes (docs/zendesk-rules.md §11)', () => {
  it('answers in each of the three envelopes where Zendesk uses them', async () => {
    expect((await call('GET', '/users/1.json')).body).toEqual({
      error: 'RecordNotFound',
      description: 'Not found',
    });
    expect((await call('GET', '/nowhere.json')).body).toEqual({
      error: 'InvalidEndpoint',
      description: 'Not found',
    });
    const depth = await call('GET', '/users.json?page=200');
    expect(validateSchema('Errors', depth.body)).toEqual([]);
    const res = await fetch(`${sandbox.url}/api/admin/private/staff/${p.agent.id}/entitlements`, {
      headers: { authorization: `Bearer ${sandbox.credentials.oauthToken}` },
    });
    expect(await res.json()).toEqual({
      error: { title: 'Forbidden', message: expect.stringContaining('access') },
    });
  });
});

describe('permanent deletion (docs/zendesk-rules.md §4, S1 /api/v2/deleted_users)', () => {
  it('keeps the user among deleted users as "Permanently Deleted User" with personal fields null', async () => {
    const id = p.lightAgent2.id;
    await call('DELETE', `/users/${id}.json`);
    expect((await call('DELETE', `/deleted_users/${id}.json`)).status).toBe(200);
    const listed = (await call('GET', '/deleted_users.json')).body.deleted_users.find(
      (u: { id: number }) => u.id === id,
    );
    expect(listed).toMatchObject({
      name: 'Permanently Deleted User',
      email: null,
      phone: null,
      active: false,
    });
    expect((await call('GET', `/deleted_users/${id}.json`)).status).toBe(404);
    expect((await call('DELETE', `/deleted_users/${id}.json`)).status).toBe(404);
  });
});

describe("a soft-deleted user's email is free again; an active user's is not (docs/zendesk-rules.md §4, S10, S22)", () => {
  it('creates a new user with the email and external id of a soft-deleted one; the deleted one stays as it was', async () => {
    const old = sandbox.state.addUser({
      name: 'Nina Newhire',
      email: 'nina@acme.test',
      role: 'agent',
      external_id: 'HR-7001',
    });
    expect((await call('DELETE', `/users/${old.id}.json`)).status).toBe(200);
    // S10: neither deletion can be undone; a soft-deleted person who writes in gets a new profile.
    const made = await call('POST', '/users.json', {
      user: { name: 'Nina Newhire', email: 'NINA@acme.test', external_id: 'hr-7001', role: 'agent' },
    });
    expect(made.status).toBe(201);
    expect(made.body.user).toMatchObject({ email: 'nina@acme.test', role: 'agent', active: true });
    expect(made.body.user.id).not.toBe(old.id);
    expect((await call('GET', `/users/${old.id}.json`)).body.user).toMatchObject({
      id: old.id,
      active: false,
    });
    expect((await call('GET', `/deleted_users/${old.id}.json`)).status).toBe(200);
  });

  it("refuses a new user with an active user's email: 422 RecordInvalid, DuplicateValue on email (S22)", async () => {
    const taken = await call('POST', '/users.json', {
      user: { name: 'Someone Else', email: p.manager.email },
    });
    expect(taken.status).toBe(422);
    expect(taken.body).toEqual({
      error: 'RecordInvalid',
      description: 'Record validation errors',
      details: {
        email: [
          {
            description: `Email: ${p.manager.email} is already being used by another user`,
            error: 'DuplicateValue',
          },
        ],
      },
    });
    expect([...sandbox.state.users.values()].filter((u) => u.email === p.manager.email)).toHaveLength(1);
  });
});

describe('rate limits (docs/zendesk-rules.md §7, S4, S20)', () => {
  it('sends zendesk-ratelimit-tickets-index on ticket lists by default, and nothing with rpm 0', async () => {
    const s = await start({ rpm: 700 });
    const header = (await api(s)('GET', `/users/${p.leaver.id}/tickets/assigned.json`)).headers.get(
      'zendesk-ratelimit-tickets-index',
    );
    expect(header).toMatch(/^total=100; remaining=99; resets=\d+$/);
    expect((await call('GET', '/tickets.json')).headers.get('zendesk-ratelimit-tickets-index')).toBeNull();
  });

  it('limits ticket lists on their own: 429 with Retry-After while other endpoints go on', async () => {
    const s = await start({ ticketListLimit: { max: 2, windowMs: 60_000 } });
    for (let i = 0; i < 2; i++) expect((await api(s)('GET', '/tickets.json')).status).toBe(200);
    const over = await api(s)('GET', `/users/${p.leaver.id}/tickets/requested.json`);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(over.headers.get('zendesk-ratelimit-tickets-index')).toMatch(/^total=2; remaining=0;/);
    expect((await api(s)('GET', '/users.json')).status).toBe(200);
  });

  it('limits Update Ticket account-wide; update_many does not count against it (sandbox choice)', async () => {
    const s = await start({ updateTicketLimit: { max: 3, windowMs: 60_000 } });
    for (const id of [102, 103, 104]) {
      expect((await api(s)('PUT', `/tickets/${id}.json`, { ticket: { priority: 'high' } })).status).toBe(200);
    }
    const over = await api(s)('PUT', '/tickets/102.json', { ticket: { priority: 'low' } });
    expect(over.status).toBe(429);
    expect(s.state.tickets.get(102)!.priority).toBe('high');
    expect(
      (await api(s)('PUT', '/tickets/update_many.json?ids=102', { ticket: { priority: 'low' } })).status,
    ).toBe(200);
  });

  it('refuses a job beyond the limit of queued or working jobs (S1; 30 per docs/zendesk-rules.md §5)', async () => {
    const s = await start({ jobLimit: 2, jobDelayMs: 500 });
    const bulk = () => api(s)('PUT', '/tickets/update_many.json?ids=102', { ticket: { priority: 'low' } });
    expect((await bulk()).status).toBe(200);
    expect((await bulk()).status).toBe(200);
    const third = await bulk();
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('jobs (docs/zendesk-rules.md §5, S1, S5, S17)', () => {
  it('end failed with their results when every item fails; closed tickets say why', async () => {
    const closed = [...sandbox.state.tickets.values()].filter((t) => t.status === 'closed').map((t) => t.id);
    const res = await call('PUT', `/tickets/update_many.json?ids=${closed.join(',')}`, {
      ticket: { assignee_id: p.manager.id },
    });
    expect(res.body.job_status.job_type).toEqual(expect.any(String));
    const job = await jobDone(res.body.job_status.id);
    expect(job.status).toBe('failed');
    expect(job.results).toEqual(
      closed.map((id) => ({
        id,
        action: 'update',
        error: 'TicketUpdateFailed',
        details: 'Status closed prevents ticket update',
        success: false,
      })),
    );
    const single = await call('PUT', `/tickets/${closed[0]}.json`, { ticket: { status: 'open' } });
    expect(single.body.details.status[0].description).toBe('Status closed prevents ticket update');
  });

  it('complete when some items succeed, and are forgotten after a day (S5)', async () => {
    const res = await call('PUT', '/tickets/update_many.json?ids=102,105', { ticket: { priority: 'low' } });
    const job = await jobDone(res.body.job_status.id);
    expect(job.status).toBe('completed');
    expect(job.results.map((r: { success: boolean }) => r.success)).toEqual([true, false]);
    sandbox.state.jobCreatedAt.set(job.id, Date.now() - 25 * 60 * 60 * 1000);
    expect((await call('GET', `/job_statuses/${job.id}.json`)).status).toBe(404);
  });
});
