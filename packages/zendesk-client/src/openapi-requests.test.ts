// Every kind of request the client and its actions send goes to a path, method and query parameters that
// Zendesk's OpenAPI description declares (issue 15; the description is S1 of docs/zendesk-rules.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE, startSandbox, testing, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { userStateOf } from '@zendesk-lifecycle/core';
import { createZendeskClient, type ZendeskClient } from './index.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 5 });
});
afterAll(async () => {
  await sandbox.stop();
});

const retry = { retries: 3, initialDelayMs: 10, maxDelayMs: 50 };

/** Everything a client reads, looked up and written, the way the apps use it. */
async function exercise(client: ZendeskClient): Promise<void> {
  const port = client.asPort({ destinationWaitMs: 0 });
  const user = async (id: number) => (await client.getUser(id))!;
  const key = (step: string) => ({ idempotency_key: `openapi-${step}` });
  expect(await client.ping()).toBe(true);
  const accounts = [];
  for await (const account of client.listAccounts()) accounts.push(account);
  expect(accounts.length).toBeGreaterThan(0);
  expect(await client.getUser(424242)).toBeNull();
  await client.findUser({ email: DEMO_PEOPLE.leaver.email });
  await client.findUser({ external_id: 'HR-1012' });
  await client.findUser({ email: 'nobody@acme.test' });
  await client.findUser({ id: DEMO_PEOPLE.agent.id });
  await client.serviceUser();
  await client.getGroup(424242);
  expect(await client.getTicketField(424242)).toBeNull();
  expect((await client.getTicketField(360000000301))?.type).toBe('subject');
  expect((await client.getBrand(360000000101))?.active).toBe(true);
  expect(await client.getBrand(424242)).toBeNull();
  expect((await client.getTicketForm(360000000201))?.inAllBrands).toBe(true);
  expect(await client.getTicketForm(424242)).toBeNull();
  await client.entitlementsMany(accounts.map((a) => a.user));
  const audit = { subject: 'audit', comment: { body: 'x', public: false }, external_id: 'openapi-audit' };
  const { ticket } = await client.createTicket(audit, { idempotencyKey: 'openapi-audit' });
  await client.updateTicket(ticket.id, { status: 'open', comment: { body: 'y', public: false } });
  await client.findTicketsByExternalId('openapi-audit');

  const manager = { email: DEMO_PEOPLE.manager.email };
  await port.transferData(await user(DEMO_PEOPLE.leaver.id), manager, key('transfer'));
  const downgraded = await port.downgrade(await user(DEMO_PEOPLE.leaver.id), {
    ...key('downgrade'),
    reassign_to: [{ agent: manager }],
  });
  // Undo: the role and groups back (memberships created), then one group fewer (a membership deleted).
  const prior = userStateOf(downgraded.before!);
  await port.restore(await user(DEMO_PEOPLE.leaver.id), prior, key('restore'));
  await port.restore(await user(DEMO_PEOPLE.leaver.id), { ...prior, group_ids: [2] }, key('restore-2'));
  await client.searchTickets('type:ticket tags:itsm_audit', { sortBy: 'created_at', sortOrder: 'desc' });
  for await (const page of client.exportTickets('tags:itsm_audit created>2020-01-01'))
    expect(page).toBeDefined();
  await port.suspend(await user(DEMO_PEOPLE.reviewed.id), key('suspend'));
  await port.unsuspend(await user(DEMO_PEOPLE.rehire.id), key('unsuspend'));
  // Alex is assigned open tickets and requests none: reassigned, soft deleted, permanently deleted.
  await port.deprovision(await user(DEMO_PEOPLE.agent.id), {
    ...key('deprovision'),
    permanent: true,
    reassign_to: [{ agent: manager }],
  });
  // A re-hire inside the grace period: soft deleted, then restored onto a new profile (Zendesk cannot undelete).
  const nora = sandbox.state.addUser({ name: 'Nora Rehired', email: 'nora@acme.test', role: 'agent' });
  const gone = await port.deprovision(await user(nora.id), { ...key('soft'), permanent: false });
  await port.restore(gone.after!, userStateOf(gone.before!), key('rehire'));
  // A requester of open tickets: Zendesk would refuse the delete, and the client finds out first.
  await port
    .deprovision(await user(DEMO_PEOPLE.inactive.id), { ...key('refused'), permanent: false })
    .catch((error: unknown) => expect(error).toMatchObject({ code: expect.any(String) }));
}

describe("the client's requests, judged by Zendesk's OpenAPI description", () => {
  it('sends only declared paths, methods and query parameters, whatever it signs in with', async () => {
    const common = { baseUrl: sandbox.url, retry, accountOwnerId: sandbox.state.ownerId };
    const log: typeof sandbox.state.requestLog = [];
    for (const client of [
      createZendeskClient({
        ...common,
        oauthClientId: sandbox.credentials.oauthClientId,
        oauthClientSecret: sandbox.credentials.oauthClientSecret,
      }),
      createZendeskClient({
        ...common,
        email: sandbox.credentials.email,
        apiToken: sandbox.credentials.token,
      }),
    ]) {
      sandbox.reset('demo');
      await exercise(client);
      log.push(...sandbox.state.requestLog);
    }
    // A request the description does not declare would show here (the check is not blind).
    expect(testing.requestDeclared('GET', '/api/v2/account', new URLSearchParams())).not.toEqual([]);
    expect(testing.undeclaredRequests(log)).toEqual([]);
    // The check saw every kind of call, so it cannot pass by seeing too little.
    const kinds = testing.callKinds(log);
    for (const kind of [
      'GET /api/v2/users/me',
      'GET /api/v2/users',
      'GET /api/v2/users/{user_id}',
      'GET /api/v2/custom_roles',
      'GET /api/v2/users/{user_id}/tickets/requested',
      'GET /api/v2/users/{user_id}/tickets/assigned',
      'PUT /api/v2/tickets/update_many',
      'GET /api/v2/job_statuses/{job_status_id}',
      'PUT /api/v2/users/{user_id}',
      'DELETE /api/v2/users/{user_id}',
      'DELETE /api/v2/deleted_users/{deleted_user_id}',
      'POST /api/v2/users',
      'POST /api/v2/tickets',
      'GET /api/v2/search/export',
      'GET /api/v2/tickets',
      'GET /api/v2/users/{user_id}/group_memberships',
      'POST /api/v2/group_memberships',
      'DELETE /api/v2/group_memberships/{group_membership_id}',
      'GET /api/v2/search',
    ])
      expect(kinds).toContain(kind);
  }, 60_000);

  it('never asks for the account (not in the description): the owner is configured, or unknown', async () => {
    sandbox.reset('demo');
    const configured = createZendeskClient({
      baseUrl: sandbox.url,
      email: sandbox.credentials.email,
      apiToken: sandbox.credentials.token,
      accountOwnerId: DEMO_PEOPLE.owner.id,
    });
    const unknown = createZendeskClient({
      baseUrl: sandbox.url,
      email: sandbox.credentials.email,
      apiToken: sandbox.credentials.token,
    });
    expect((await configured.getUser(DEMO_PEOPLE.owner.id))!.is_account_owner).toBe(true);
    await expect(
      configured
        .asPort()
        .suspend((await configured.getUser(DEMO_PEOPLE.owner.id))!, { idempotency_key: 'o' }),
    ).rejects.toMatchObject({ code: 'protected_user' });
    expect(await unknown.accountOwnerId()).toBeNull();
    expect((await unknown.getUser(DEMO_PEOPLE.owner.id))!.is_account_owner).toBe(false);
    expect(sandbox.state.requestLog.some((r) => r.path.startsWith('/api/v2/account'))).toBe(false);
  });
});
