// A re-hire inside the grace period, over the sandbox: Zendesk cannot undelete (docs/zendesk-rules.md §4, S10), so
// the soft-deleted person's recorded role, custom role and groups go onto a new profile, or onto an active one
// that already has the person's email or external id (no second profile), also when a try stopped half-way.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ActionRefused, LifecycleError, userStateOf, type PriorState } from '@zendesk-lifecycle/core';
import {
  DEMO_PEOPLE,
  STAFF_ROLE_ID,
  startSandbox,
  type RunningSandbox,
} from '@zendesk-lifecycle/zendesk-sandbox';
import { createZendeskClient, type ZendeskClient } from '../index.js';

let sandbox: RunningSandbox;
let client: ZendeskClient;
const key = { idempotency_key: 'rehire' };

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 2, searchLagMs: 0 });
});
afterAll(async () => {
  await sandbox.stop();
});
beforeEach(() => {
  sandbox.reset('demo');
  sandbox.faults.clear();
  sandbox.state.searchLagMs = 0;
  client = createZendeskClient({
    baseUrl: sandbox.url,
    email: sandbox.credentials.email,
    apiToken: sandbox.credentials.token,
    accountOwnerId: DEMO_PEOPLE.owner.id,
    retry: { retries: 1, initialDelayMs: 5, maxDelayMs: 5 },
  });
});

const groupIds = () => [...sandbox.state.groups.values()].map((g) => g.id).sort((a, b) => a - b);
const creates = () =>
  sandbox.state.requestLog.filter(
    (r) => r.method === 'POST' && r.path === '/api/v2/users.json' && r.status === 201,
  );
const activeWithEmail = (email: string) => [...sandbox.state.users.values()].filter((u) => u.email === email);

/** An agent with the staff custom role in every group, soft-deleted through the client: its record and profile. */
async function softDeletedAgent(externalId: string | null = 'HR-7001') {
  const email = `nina.${externalId ?? 'no-ext'}@acme.test`.toLowerCase();
  const added = sandbox.state.addUser({
    name: 'Nina Newhire',
    email,
    role: 'agent',
    custom_role_id: STAFF_ROLE_ID,
    external_id: externalId,
  });
  for (const g of groupIds())
    if (!sandbox.state.memberships.some((m) => m.user_id === added.id && m.group_id === g))
      sandbox.state.addMembership(added.id, g);
  const port = client.asPort();
  const deleted = await port.deprovision((await client.getUser(added.id))!, { ...key, permanent: false });
  // As the audit ticket's prior-state record holds it: the state and who the person was.
  const prior: PriorState = {
    ...userStateOf(deleted.before!),
    identity: { name: added.name, email, external_id: externalId },
  };
  return { id: added.id, email, prior, deleted: deleted.after! };
}

async function refusal(promise: Promise<unknown>): Promise<ActionRefused> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ActionRefused);
  return error as ActionRefused;
}

describe('restore of a soft-deleted user (a re-hire inside the grace period)', () => {
  it('creates a new profile with the recorded identity, role, custom role and groups; the old one stays deleted', async () => {
    const nina = await softDeletedAgent();
    expect(nina.prior.group_ids).toEqual(groupIds());
    expect(nina.deleted.active).toBe(false);
    const report = await client.asPort().restore(nina.deleted, nina.prior, key);
    expect(report.status).toBe('succeeded');
    const fresh = report.after!;
    expect(fresh.id).not.toBe(nina.id);
    expect(fresh).toMatchObject({
      name: 'Nina Newhire',
      email: nina.email,
      external_id: 'HR-7001',
      role: 'agent',
      custom_role_id: STAFF_ROLE_ID,
      suspended: false,
      active: true,
      group_ids: groupIds(),
    });
    expect(report.before).toMatchObject({ id: nina.id, active: false });
    expect(report.detail).toMatch(
      new RegExp(`cannot undelete.*new profile ${fresh.id}.*old profile ${nina.id} stays deleted`),
    );
    expect(creates()).toHaveLength(1);
    // Zendesk's own view: the new profile as recorded, the old one still soft-deleted.
    const memberships = sandbox.state.memberships
      .filter((m) => m.user_id === fresh.id)
      .map((m) => m.group_id);
    expect(memberships.sort((a, b) => a - b)).toEqual(groupIds());
    expect((await client.getUser(nina.id))?.active).toBe(false);
    expect(sandbox.state.deletedUsers.has(nina.id)).toBe(true);
  });

  it('restores onto an active profile that already has the email (single sign-on made one): no second profile', async () => {
    const nina = await softDeletedAgent(null);
    // Single sign-on made an end-user profile on the first login after the re-hire.
    const sso = sandbox.state.addUser({ name: 'Nina N.', email: nina.email, role: 'end-user' });
    const report = await client.asPort().restore(nina.deleted, nina.prior, key);
    expect(report).toMatchObject({
      status: 'succeeded',
      after: { id: sso.id, role: 'agent', custom_role_id: STAFF_ROLE_ID, group_ids: groupIds() },
    });
    expect(report.detail).toMatch(new RegExp(`found active profile ${sso.id} \\(same email`));
    expect(creates()).toHaveLength(0);
    expect(activeWithEmail(nina.email).map((u) => u.id)).toEqual([sso.id]);
  });

  it('finishes after a crash between the create and the memberships, without a second profile', async () => {
    const nina = await softDeletedAgent();
    // Every membership write fails: the try stops after the profile was made (as a crash would).
    sandbox.faults.set({ route: 'POST /group_memberships', errorRate: 1, status: 503 });
    sandbox.faults.set({ route: 'POST /users/:id/group_memberships', errorRate: 1, status: 503 });
    const crashed = await client
      .asPort()
      .restore(nina.deleted, nina.prior, key)
      .catch((e: unknown) => e);
    expect(crashed).toBeInstanceOf(LifecycleError);
    expect(creates()).toHaveLength(1);
    sandbox.faults.clear();
    const report = await client.asPort().restore(nina.deleted, nina.prior, key);
    expect(report).toMatchObject({ status: 'succeeded', after: { group_ids: groupIds() } });
    expect(creates()).toHaveLength(1);
    expect(activeWithEmail(nina.email)).toHaveLength(1);
    // A third delivery finds everything as recorded.
    const again = await client.asPort().restore(nina.deleted, nina.prior, key);
    expect(again).toMatchObject({ status: 'already_done', after: { id: report.after!.id } });
    expect(creates()).toHaveLength(1);
  });

  it('waits rather than duplicates while search does not show a profile made a moment ago (no external id)', async () => {
    const nina = await softDeletedAgent(null);
    sandbox.faults.set({ route: 'POST /group_memberships', errorRate: 1, status: 503 });
    sandbox.faults.set({ route: 'POST /users/:id/group_memberships', errorRate: 1, status: 503 });
    sandbox.state.searchLagMs = 60_000;
    await client
      .asPort()
      .restore(nina.deleted, nina.prior, key)
      .catch(() => null);
    sandbox.faults.clear();
    // Zendesk refuses the second create (422 DuplicateValue): a retryable conflict, not a second profile.
    const error = await client
      .asPort()
      .restore(nina.deleted, nina.prior, key)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'zendesk_conflict', retryable: true });
    expect(activeWithEmail(nina.email)).toHaveLength(1);
  });

  it('checks the seat as today: no_free_seat, and no profile made', async () => {
    const nina = await softDeletedAgent();
    sandbox.state.agentSeats = sandbox.state.paidSeatsInUse();
    const refused = await refusal(client.asPort().restore(nina.deleted, nina.prior, key));
    expect(refused.rule).toBe('no_free_seat');
    expect(activeWithEmail(nina.email)).toHaveLength(0);
  });

  it('uses what Zendesk still shows of the deleted profile when the record predates identities', async () => {
    const nina = await softDeletedAgent();
    const { identity: _old, ...prior } = nina.prior;
    const report = await client.asPort().restore(nina.deleted, prior, key);
    expect(report.after).toMatchObject({ email: nina.email, external_id: 'HR-7001', role: 'agent' });
  });
});
