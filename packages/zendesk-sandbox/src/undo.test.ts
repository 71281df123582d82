// What undo needs of Zendesk, as the sandbox serves it: a user's group memberships read, created and deleted
// (S1 group memberships; end users belong to no group), agent seats (S9: a paid seat per agent or admin, suspended
// ones included; none free means the change is refused), and ticket search from a lagging index (S16).
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEMO_PEOPLE,
  LIGHT_AGENT_ROLE_ID,
  STAFF_ROLE_ID,
  startSandbox,
  type RunningSandbox,
  type SandboxOptions,
} from './index.js';
import { api } from './testing/http-client.js';

const p = DEMO_PEOPLE;
const started: RunningSandbox[] = [];
async function start(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const s = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 5, searchLagMs: 0, ...options });
  started.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('group memberships of a user', () => {
  it('lists, creates and deletes them; a downgrade removes them all', async () => {
    const s = await start();
    const call = api(s);
    const groups = async () =>
      (
        (await call('GET', `/users/${p.agent.id}/group_memberships.json`)).body.group_memberships as Array<{
          group_id: number;
          id: number;
        }>
      ).map((m) => m.group_id);
    expect((await groups()).sort()).toEqual([1, 2]);
    await call('PUT', `/users/${p.agent.id}.json`, { user: { role: 'end-user' } });
    expect(await groups()).toEqual([]);
    // An end user cannot join a group; an agent can, once per group.
    const join = (group_id: number) =>
      call('POST', '/group_memberships.json', { group_membership: { user_id: p.agent.id, group_id } });
    expect((await join(2)).status).toBe(422);
    await call('PUT', `/users/${p.agent.id}.json`, { user: { role: 'agent' } });
    const created = await join(2);
    expect(created.status).toBe(201);
    expect(created.body.group_membership).toMatchObject({ user_id: p.agent.id, group_id: 2, default: true });
    expect((await join(2)).status).toBe(422);
    expect((await join(999)).status).toBe(422);
    expect(await groups()).toEqual([2]);
    expect(s.state.users.get(p.agent.id)!.default_group_id).toBe(2);
    const removed = await call('DELETE', `/group_memberships/${created.body.group_membership.id}.json`);
    expect(removed.status).toBe(204);
    expect(await groups()).toEqual([]);
    expect(s.state.users.get(p.agent.id)!.default_group_id).toBeNull();
  });

  it('lets only admins change memberships', async () => {
    const s = await start();
    const asAgent = api(
      s,
      `Basic ${Buffer.from(`${p.manager.email}/token:${s.credentials.token}`).toString('base64')}`,
    );
    const res = await asAgent('POST', '/group_memberships.json', {
      group_membership: { user_id: p.reviewed.id, group_id: 2 },
    });
    expect(res.status).toBe(403);
  });
});

describe('agent seats (S9)', () => {
  it('refuses to make an end user an agent when every seat is taken, and allows it once one is freed', async () => {
    const s = await start();
    s.state.agentSeats = s.state.paidSeatsInUse();
    const call = api(s);
    const upgrade = () =>
      call('PUT', `/users/${p.customer1.id}.json`, {
        user: { role: 'agent', custom_role_id: STAFF_ROLE_ID },
      });
    const refused = await upgrade();
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toMatch(/Subscription limit reached/);
    expect(s.state.users.get(p.customer1.id)!.role).toBe('end-user');
    // Suspending an agent frees nothing (a suspended agent keeps its seat); a downgrade does.
    await call('PUT', `/users/${p.reviewed.id}.json`, { user: { suspended: true } });
    expect((await upgrade()).status).toBe(422);
    await call('PUT', `/users/${p.reviewed.id}.json`, { user: { role: 'end-user' } });
    expect((await upgrade()).status).toBe(200);
    // Seats are bought at run time through the admin API too.
    const bought = await fetch(`${s.url}/__sandbox/agent-seats`, {
      method: 'POST',
      body: JSON.stringify({ seats: s.state.paidSeatsInUse() }),
    });
    expect(await bought.json()).toMatchObject({ agent_seats: s.state.paidSeatsInUse() });
    // Every seat is taken again: creating an agent is refused too; a light agent takes no paid seat.
    expect(
      (await call('POST', '/users.json', { user: { name: 'Lu', email: 'lu@acme.test', role: 'agent' } }))
        .status,
    ).toBe(422);
    const light = { role: 'agent', custom_role_id: LIGHT_AGENT_ROLE_ID };
    expect((await call('PUT', `/users/${p.customer2.id}.json`, { user: light })).status).toBe(200);
  });
});

describe('ticket search (S16)', () => {
  it('finds tickets by type and tags only after the index lag, and sees updates only after it too', async () => {
    const s = await start({ searchLagMs: 300 });
    const call = api(s);
    const search = async (q: string) =>
      (await call('GET', `/search.json?query=${encodeURIComponent(q)}&sort_by=created_at&sort_order=desc`))
        .body;
    const created = await call('POST', '/tickets.json', {
      ticket: { subject: 'Audit', comment: { body: 'x' }, tags: ['itsm_audit', 'zl_user_7'] },
    });
    const id = created.body.ticket.id;
    expect((await search('type:ticket tags:zl_user_7')).count).toBe(0);
    await sleep(350);
    const found = await search('type:ticket tags:zl_user_7');
    expect(found.results).toEqual([expect.objectContaining({ id, result_type: 'ticket', description: 'x' })]);
    // Several values of one keyword match any of them; different keywords must all match.
    expect((await search('type:ticket tags:zl_user_7 tags:nothing')).count).toBe(1);
    expect((await search('type:ticket tags:zl_user_7 status:closed')).count).toBe(0);
    expect((await search('type:user tags:zl_user_7')).count).toBe(0);
    await call('PUT', `/tickets/${id}.json`, { ticket: { tags: ['itsm_audit'] } });
    expect((await search('tags:zl_user_7')).count).toBe(1);
    await sleep(350);
    expect((await search('tags:zl_user_7')).count).toBe(0);
  });
});
