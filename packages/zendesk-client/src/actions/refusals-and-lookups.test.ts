// Zendesk's refusals and lookups, as the actions meet them (docs/zendesk-rules.md §3, §4, §8): a delete refused for a requester
// of unclosed tickets becomes ActionRefused (audited as refused, with what to do); a transfer destination found
// only by a lagging search is looked for again for a bounded time.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ActionRefused } from '@zendesk-lifecycle/core';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { createZendeskClient, type ZendeskClient } from '../index.js';

let sandbox: RunningSandbox;
let client: ZendeskClient;
const key = { idempotency_key: 'k' };

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 2, searchLagMs: 1500 });
  client = createZendeskClient({
    baseUrl: sandbox.url,
    email: sandbox.credentials.email,
    apiToken: sandbox.credentials.token,
  });
});
afterAll(async () => {
  await sandbox.stop();
});
beforeEach(() => sandbox.reset('demo'));

const user = async (id: number) => (await client.getUser(id))!;
const deletes = () => sandbox.state.requestLog.filter((r) => r.method === 'DELETE');

describe('deleting a requester of unclosed tickets (docs/zendesk-rules.md §4, S10, S7)', () => {
  it("turns Zendesk's 422 into a refusal that says why and what to do", async () => {
    // Ivan requests open tickets; the ones assigned to him are all solved, so nothing needs reassigning first.
    const error = await client
      .asPort()
      .deprovision(await user(DEMO_PEOPLE.inactive.id), { ...key, permanent: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionRefused);
    expect(error).toMatchObject({
      rule: 'zendesk_refused_delete',
      retryable: false,
      message: expect.stringMatching(
        /requester on \d+ tickets? that (are|is) not closed[\s\S]*transfer_to[\s\S]*close them/i,
      ),
    });
    expect((error as ActionRefused).partial.request_ids).toHaveLength(1);
    expect(deletes().map((r) => r.status)).toEqual([422]);
    expect(sandbox.state.users.get(DEMO_PEOPLE.inactive.id)!.active).toBe(true);
  });

  it('asks before reassigning anything when the delete would be refused anyway', async () => {
    // Leo requests unclosed tickets and has open tickets assigned.
    const before = [...sandbox.state.tickets.values()].map((t) => t.assignee_id);
    const error = await client
      .asPort()
      .deprovision(await user(DEMO_PEOPLE.leaver.id), {
        ...key,
        permanent: false,
        reassign_to: [{ agent: { id: DEMO_PEOPLE.manager.id } }],
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ rule: 'zendesk_refused_delete' });
    expect(deletes()).toHaveLength(0);
    expect([...sandbox.state.tickets.values()].map((t) => t.assignee_id)).toEqual(before);
  });

  it('deletes an agent once the requested tickets are moved, reassigning the open assigned ones first', async () => {
    const port = client.asPort();
    const leaver = await user(DEMO_PEOPLE.leaver.id);
    await port.transferData(leaver, { id: DEMO_PEOPLE.manager.id }, key);
    const report = await port.deprovision(leaver, {
      ...key,
      permanent: false,
      reassign_to: [{ agent: { email: 'nobody@acme.test' } }, { agent: { id: DEMO_PEOPLE.agent.id } }],
    });
    expect(report).toMatchObject({
      status: 'succeeded',
      reassignment: { to: { assignee_id: DEMO_PEOPLE.agent.id } },
    });
    expect(report.detail).toMatch(/soft deleted; \d+ open assigned tickets reassigned to Alex Agent/);
    const apiUser = sandbox.state.findUserByEmail(sandbox.credentials.email)!.id;
    for (const id of report.reassignment!.moved)
      expect(sandbox.state.tickets.get(id)!.assignee_id).toBe(DEMO_PEOPLE.agent.id);
    expect([...sandbox.state.tickets.values()].filter((t) => t.assignee_id === apiUser)).toHaveLength(0);
  });
});

describe('finding the transfer destination', () => {
  it('waits for a destination that search does not show yet (S16), within the bound', async () => {
    // Created through the API now: search shows it only after the lag; the list filter and show do not lag.
    const basic = Buffer.from(`${sandbox.credentials.email}/token:${sandbox.credentials.token}`).toString(
      'base64',
    );
    const created = await fetch(`${sandbox.url}/api/v2/users.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${basic}` },
      body: JSON.stringify({ user: { name: 'Nina New', email: 'nina@acme.test', role: 'agent' } }),
    });
    expect(created.status).toBe(201);
    expect(await client.findUser({ email: 'nina@acme.test' }, { deleted: false })).toBeNull();
    const port = client.asPort({ destinationWaitMs: 10_000 });
    const t0 = Date.now();
    const report = await port.transferData(
      await user(DEMO_PEOPLE.leaver.id),
      { email: 'NINA@acme.test' },
      key,
    );
    expect(report.transfer!.moved.length).toBeGreaterThan(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
  });

  it('gives up after the bound with invalid_destination', async () => {
    const port = client.asPort({ destinationWaitMs: 800 });
    const t0 = Date.now();
    await expect(
      port.transferData(await user(DEMO_PEOPLE.leaver.id), { email: 'ghost@acme.test' }, key),
    ).rejects.toMatchObject({ code: 'invalid_destination', retryable: false });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(800);
    // An id or external id does not lag: a miss is final at once.
    const t1 = Date.now();
    await expect(
      port.transferData(await user(DEMO_PEOPLE.leaver.id), { external_id: 'nope' }, key),
    ).rejects.toMatchObject({ code: 'invalid_destination' });
    expect(Date.now() - t1).toBeLessThan(800);
  });
});
