import zendesk from 'node-zendesk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from './index.js';
import { api } from './testing/http-client.js';

let sandbox: RunningSandbox;
let big: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0 });
  big = await startSandbox({ seed: { users: 10_000, tickets: 0 }, rpm: 0 });
});
afterAll(async () => {
  await sandbox.stop();
  await big.stop();
});

const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

describe('authentication', () => {
  it('accepts an API token and an OAuth token (more in oauth.test.ts)', async () => {
    const { email, token, oauthToken } = sandbox.credentials;
    for (const auth of [basic(`${email}/token:${token}`), `Bearer ${oauthToken}`]) {
      const res = await api(sandbox, auth)('GET', '/users/me.json');
      expect(res.body.user.email).toBe(email);
    }
  });

  it("answers 401 with Zendesk's body to wrong credentials", async () => {
    const res = await api(sandbox, basic('admin@acme.test/token:wrong'))('GET', '/users/me.json');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: "Couldn't authenticate you" });
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
  });

  it('forbids an agent to do what only admins may', async () => {
    const agent = api(sandbox, basic(`${DEMO_PEOPLE.agent.email}/token:${sandbox.credentials.token}`));
    expect((await agent('GET', `/users/${DEMO_PEOPLE.leaver.id}`)).status).toBe(200);
    const res = await agent('PUT', `/users/${DEMO_PEOPLE.leaver.id}`, { user: { suspended: true } });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('Forbidden');
  });
});

describe('users', () => {
  const call = () => api(sandbox);

  it('lists agents and admins with role[] filters, every reply with a request id', async () => {
    const res = await call()('GET', '/users.json?role[]=agent&role[]=admin');
    expect(res.body.users.every((u: { role: string }) => u.role !== 'end-user')).toBe(true);
    expect(res.body.users.length).toBe(12);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const lights = await call()('GET', `/users?role=agent&permission_set=360000000001`);
    expect(lights.body.users.map((u: { id: number }) => u.id)).toEqual([
      DEMO_PEOPLE.lightAgent.id,
      DEMO_PEOPLE.lightAgent2.id,
    ]);
  });

  // S2: cursor pages only with page[size]; keep following links.next until meta.has_more is false.
  // S1 (Zendesk's own cursor example): the last page still carries a non-null links.next.
  it('pages 10,000 users with cursors, each exactly once, and links on the request origin', async () => {
    const seen = new Set<number>();
    let url = `${big.baseUrl}/users.json?page[size]=100`;
    let pages = 0;
    for (;;) {
      const res = await api(big)('GET', url);
      for (const u of res.body.users) seen.add(u.id);
      expect(res.body.links.next.startsWith(big.baseUrl)).toBe(true);
      pages++;
      if (!res.body.meta.has_more) break;
      url = res.body.links.next;
    }
    expect(seen.size).toBe(10_001);
    expect(pages).toBe(101);
  });

  // S3: offset pages up to the first 10,000 records; S19: the refusal's body.
  it('pages with offsets up to 10,000 records and refuses deeper pages', async () => {
    const first = await api(big)('GET', '/users.json?page=1&per_page=100');
    expect(first.body.count).toBe(10_001);
    expect(first.body.next_page).toContain('page=2');
    const last = await api(big)('GET', '/users.json?page=100&per_page=100');
    expect(last.body.users).toHaveLength(100);
    const deeper = await api(big)('GET', '/users.json?page=101&per_page=100');
    expect(deeper.status).toBe(400);
    expect(deeper.body.errors[0].code).toBe('InvalidPaginationDepth');
  });

  it('is read page by page by the real node-zendesk client', async () => {
    const client = zendesk.createClient({
      username: big.credentials.email,
      token: big.credentials.token,
      endpointUri: big.baseUrl,
      throwOriginalException: true,
    } as never);
    const users = (await client.users.list()) as unknown[];
    expect(users).toHaveLength(10_001);
  });

  it('shows, shows many and searches by email and external id', async () => {
    expect((await call()('GET', `/users/${DEMO_PEOPLE.leaver.id}.json`)).body.user.email).toBe(
      DEMO_PEOPLE.leaver.email,
    );
    const many = await call()(
      'GET',
      `/users/show_many.json?ids=${DEMO_PEOPLE.leaver.id},${DEMO_PEOPLE.manager.id}`,
    );
    expect(many.body.users).toHaveLength(2);
    const byEmail = await call()(
      'GET',
      `/users/search.json?query=${encodeURIComponent(DEMO_PEOPLE.reviewed.email)}`,
    );
    expect(byEmail.body.users[0].id).toBe(DEMO_PEOPLE.reviewed.id);
    const byExternal = await call()('GET', '/users/search.json?external_id=HR-1011');
    expect(byExternal.body.users[0].id).toBe(DEMO_PEOPLE.leaver.id);
    expect((await call()('GET', '/users/999999.json')).body).toEqual({
      error: 'RecordNotFound',
      description: 'Not found',
    });
  });

  // S1: bulk user imports are disabled by default (403); enabled here as Zendesk support would.
  it('creates users, one at a time (201) and many as a job', async () => {
    const one = await call()('POST', '/users.json', {
      user: { name: 'New Agent', email: 'new@acme.test', role: 'agent' },
    });
    expect(one.status).toBe(201);
    expect(one.body.user.role_type).toBe(0);
    const users = [
      { name: 'A', email: 'a@x.test' },
      { name: 'B', email: 'b@x.test' },
    ];
    const refused = await call()('POST', '/users/create_many.json', { users });
    expect(refused.status).toBe(403);
    const imports = await startSandbox({ seed: 'demo', rpm: 0, bulkUserImports: true });
    try {
      const many = await api(imports)('POST', '/users/create_many.json', { users });
      expect(many.body.job_status.status).toBe('queued');
      await new Promise((r) => setTimeout(r, 100));
      const job = await api(imports)('GET', `/job_statuses/${many.body.job_status.id}.json`);
      expect(job.body.job_status.status).toBe('completed');
      // CreateResourceResult (S1): {id, index}.
      expect(job.body.job_status.results.map((r: { index: number }) => r.index)).toEqual([0, 1]);
    } finally {
      await imports.stop();
    }
  });

  it('downgrades, suspends and changes custom roles', async () => {
    const id = DEMO_PEOPLE.agent.id;
    const light = await call()('PUT', `/users/${id}.json`, { user: { custom_role_id: 360000000001 } });
    expect(light.body.user.role_type).toBe(1);
    const suspended = await call()('PUT', `/users/${id}.json`, { user: { suspended: true } });
    expect(suspended.body.user.suspended).toBe(true);
    const downgraded = await call()('PUT', `/users/${id}.json`, { user: { role: 'end-user' } });
    expect(downgraded.body.user).toMatchObject({ role: 'end-user', role_type: null, custom_role_id: null });
    const agents = await call()('GET', '/users.json?role[]=agent&role[]=admin');
    expect(agents.body.users.some((u: { id: number }) => u.id === id)).toBe(false);
  });

  it('refuses to downgrade, suspend or delete the account owner', async () => {
    const owner = (await call()('GET', '/account.json')).body.account.owner_id;
    expect(owner).toBe(DEMO_PEOPLE.owner.id);
    for (const [method, body] of [
      ['PUT', { user: { role: 'agent' } }],
      ['PUT', { user: { suspended: true } }],
      ['DELETE', undefined],
    ] as const) {
      const res = await call()(method, `/users/${owner}.json`, body);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('PermissionDenied');
    }
  });

  it('soft deletes, then permanently deletes, then answers 404 everywhere', async () => {
    const id = DEMO_PEOPLE.lightAgent2.id;
    expect((await call()('DELETE', `/deleted_users/${id}.json`)).status).toBe(404);
    const soft = await call()('DELETE', `/users/${id}.json`);
    expect(soft.body.user.active).toBe(false);
    expect((await call()('GET', `/users/${id}.json`)).body.user.active).toBe(false);
    expect(
      (await call()('GET', '/deleted_users.json')).body.deleted_users.map((u: { id: number }) => u.id),
    ).toContain(id);
    expect((await call()('DELETE', `/deleted_users/${id}.json`)).status).toBe(200);
    expect((await call()('GET', `/users/${id}.json`)).status).toBe(404);
    expect((await call()('GET', `/deleted_users/${id}.json`)).status).toBe(404);
  });

  // S14, S15: built-in admin (4) and billing admin (5) roles are listed beside custom ones.
  // docs/zendesk-rules.md §9: the private entitlements endpoint is not for API credentials; `privateEntitlements` opts in.
  it('serves custom roles, and per-product entitlements only when asked to', async () => {
    const roles = await call()('GET', '/custom_roles.json');
    expect(roles.body.custom_roles.map((r: { role_type: number }) => r.role_type)).toEqual(
      expect.arrayContaining([1, 3, 4, 5]),
    );
    const entitlements = (s: RunningSandbox) =>
      fetch(`${s.url}/api/admin/private/staff/${DEMO_PEOPLE.lightAgent.id}/entitlements`, {
        headers: { authorization: basic(`${s.credentials.email}/token:${s.credentials.token}`) },
      });
    const refused = await entitlements(sandbox);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { title: 'Forbidden' } });
    const experiments = await startSandbox({ seed: 'demo', rpm: 0, privateEntitlements: true });
    try {
      const res = await entitlements(experiments);
      expect(
        ((await res.json()) as { entitlements: { support: { name: string } } }).entitlements.support.name,
      ).toBe('light_agent');
    } finally {
      await experiments.stop();
    }
  });
});
