// Core's protection and transfer-destination rules as the client applies them against the sandbox: the service's
// own user, the owner (configured, or unknown: then no admin is changed), admins only for a principal that may
// target them, and a transfer destination refused before any ticket moves.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ActionRefused } from '@zendesk-lifecycle/core';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { createZendeskClient, type ZendeskClient } from '../index.js';

let sandbox: RunningSandbox;
const key = { idempotency_key: 'k' };

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 2 });
});
afterAll(async () => {
  await sandbox.stop();
});
beforeEach(() => sandbox.reset('demo'));

/** A client signed in with the account's API token as `email` (any agent or admin may, facts §10, S12). */
function clientAs(email: string, accountOwnerId: number | null = DEMO_PEOPLE.owner.id): ZendeskClient {
  return createZendeskClient({
    baseUrl: sandbox.url,
    email,
    apiToken: sandbox.credentials.token,
    ...(accountOwnerId === null ? {} : { accountOwnerId }),
    retry: { retries: 1, initialDelayMs: 10, maxDelayMs: 10 },
  });
}

const changes = () => sandbox.state.requestLog.filter((r) => r.mutating);

async function refusal(promise: Promise<unknown>): Promise<ActionRefused> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ActionRefused);
  return error as ActionRefused;
}

describe('protected by default', () => {
  it('refuses an admin unless the principal may target admins, then acts', async () => {
    const client = clientAs(sandbox.credentials.email);
    const adam = (await client.getUser(DEMO_PEOPLE.admin.id))!;
    const refused = await refusal(client.asPort().suspend(adam, key));
    expect(refused).toMatchObject({
      rule: 'protected_user',
      message: expect.stringMatching(/may not target admins/),
    });
    await refusal(client.asPort().suspend(adam, { ...key, may_target_admins: false }));
    expect(changes()).toHaveLength(0);
    const done = await client.asPort().suspend(adam, { ...key, may_target_admins: true });
    expect(done).toMatchObject({ status: 'succeeded', after: { suspended: true } });
  });

  it('refuses every admin when the owner is not configured (Zendesk does not name it, docs/zendesk-rules.md §11), not agents', async () => {
    const client = clientAs(sandbox.credentials.email, null);
    const adam = (await client.getUser(DEMO_PEOPLE.admin.id))!;
    const refused = await refusal(client.asPort().suspend(adam, { ...key, may_target_admins: true }));
    expect(refused.message).toMatch(/account owner is not known/);
    expect(changes()).toHaveLength(0);
    const rita = (await client.getUser(DEMO_PEOPLE.reviewed.id))!;
    expect((await client.asPort().suspend(rita, key)).status).toBe('succeeded');
  });

  it('refuses the owner even for a principal that may target admins', async () => {
    const client = clientAs(DEMO_PEOPLE.bot.email);
    const owner = (await client.getUser(DEMO_PEOPLE.owner.id))!;
    const refused = await refusal(client.asPort().suspend(owner, { ...key, may_target_admins: true }));
    expect(refused.message).toMatch(/account owner/);
  });

  it("refuses the service's own user, as GET /users/me names it", async () => {
    // Signed in as Alex (an agent): no list names him, /users/me does.
    const client = clientAs(DEMO_PEOPLE.agent.email);
    const alex = (await client.getUser(DEMO_PEOPLE.agent.id))!;
    const refused = await refusal(client.asPort().downgrade(alex, key));
    expect(refused.message).toMatch(/service's own Zendesk user/);
    expect(changes()).toHaveLength(0);
  });

  it('changes nothing while the service user cannot be asked for', async () => {
    const client = clientAs(sandbox.credentials.email);
    const rita = (await client.getUser(DEMO_PEOPLE.reviewed.id))!;
    sandbox.faults.set({ route: 'GET /users/me', errorRate: 1, status: 503 });
    await expect(client.asPort().suspend(rita, key)).rejects.toMatchObject({ retryable: true });
    expect(changes()).toHaveLength(0);
    sandbox.faults.clear();
    expect((await client.asPort().suspend(rita, key)).status).toBe('succeeded');
  });
});

describe('transfer destinations (issue 18)', () => {
  const client = () => clientAs(sandbox.credentials.email);
  const leo = async () => (await client().getUser(DEMO_PEOPLE.leaver.id))!;

  it('refuses a customer, a suspended agent and the leaver itself before any ticket moves', async () => {
    for (const destination of [DEMO_PEOPLE.customer1, DEMO_PEOPLE.rehire, DEMO_PEOPLE.leaver]) {
      const refused = await refusal(
        client()
          .asPort()
          .transferData(await leo(), { email: destination.email }, key),
      );
      expect(refused.rule).toBe('destination_not_allowed');
    }
    expect(sandbox.state.users.get(DEMO_PEOPLE.rehire.id)!.suspended).toBe(true);
    expect(changes()).toHaveLength(0);
  });

  it('refuses an agent the policy bars, and gives the tickets to a service account it names', async () => {
    const port = client().asPort({
      transfer: {
        never_receive: { ids: [DEMO_PEOPLE.manager.id], emails: [], external_ids: [] },
        service_accounts: { ids: [], emails: [DEMO_PEOPLE.customer2.email], external_ids: [] },
      },
    });
    const refused = await refusal(port.transferData(await leo(), { id: DEMO_PEOPLE.manager.id }, key));
    expect(refused.message).toMatch(/never_receive/);
    expect(changes()).toHaveLength(0);
    const moved = await port.transferData(await leo(), { email: DEMO_PEOPLE.customer2.email }, key);
    expect(moved.transfer).toMatchObject({ destination_id: DEMO_PEOPLE.customer2.id, failed: [] });
    expect(moved.transfer!.moved.length).toBeGreaterThan(0);
  });
});
