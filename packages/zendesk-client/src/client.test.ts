import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import {
  createZendeskClient,
  zendeskConfigFromEnv,
  NotFound,
  RateLimited,
  type ZendeskClient,
} from './index.js';

let sandbox: RunningSandbox;
let client: ZendeskClient;
const key = { idempotency_key: 'test-key' };

function clientFor(s: RunningSandbox, extra: Record<string, unknown> = {}): ZendeskClient {
  return createZendeskClient({
    baseUrl: s.url,
    email: s.credentials.email,
    apiToken: s.credentials.token,
    // Zendesk's public API does not name the owner (docs/zendesk-rules.md §11): it is configured.
    accountOwnerId: s.state.ownerId,
    retry: { retries: 6, initialDelayMs: 20, maxDelayMs: 200 },
    ...extra,
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 5 });
  client = clientFor(sandbox);
});
afterAll(async () => {
  await sandbox.stop();
});
afterEach(() => {
  sandbox.faults.clear();
  sandbox.reset('demo');
});

describe('configuration', () => {
  it('reads the environment and names every wrong variable', () => {
    expect(zendeskConfigFromEnv({ ZENDESK_SUBDOMAIN: 'acme', ZENDESK_OAUTH_TOKEN: 't' }).apiBase).toBe(
      'https://acme.zendesk.com/api/v2',
    );
    expect(
      zendeskConfigFromEnv(
        {
          ITSM_ZENDESK_BASE_URL: 'http://127.0.0.1:1/api/v2',
          ITSM_ZENDESK_EMAIL: 'bot@acme.test',
          ITSM_ZENDESK_API_TOKEN: 'x',
        },
        'ITSM_ZENDESK_',
      ).origin,
    ).toBe('http://127.0.0.1:1');
    expect(() => zendeskConfigFromEnv({ ZENDESK_SUBDOMAIN: 'acme', ZENDESK_EMAIL: 'nope' })).toThrow(
      /ZENDESK_EMAIL[\s\S]*ZENDESK_API_TOKEN/,
    );
  });
});

describe('reading', () => {
  it('streams agents and admins only, with their status', async () => {
    const accounts = [];
    for await (const account of client.listAccounts()) accounts.push(account);
    expect(accounts.every((a) => a.user.role !== 'end-user')).toBe(true);
    expect(accounts).toHaveLength(12);
    expect(accounts.find((a) => a.user.id === DEMO_PEOPLE.rehire.id)!.status).toBe('suspended');
    expect(accounts.find((a) => a.user.id === DEMO_PEOPLE.owner.id)!.user.is_account_owner).toBe(true);
  });

  it('finds users by id, email and external id, soft-deleted ones included', async () => {
    expect((await client.findUser({ email: 'LEO@acme.test' }))!.id).toBe(DEMO_PEOPLE.leaver.id);
    expect((await client.findUser({ external_id: 'HR-1012' }))!.id).toBe(DEMO_PEOPLE.reviewed.id);
    expect(await client.findUser({ id: 424242 })).toBeNull();
    // Zendesk treats external ids case-insensitively (docs/zendesk-rules.md §1, S1); soft-deleted users stay findable (§4).
    expect((await client.findUser({ external_id: 'hr-1012' }))!.id).toBe(DEMO_PEOPLE.reviewed.id);
    await client
      .asPort()
      .deprovision((await client.getUser(DEMO_PEOPLE.reviewed.id))!, { ...key, permanent: false });
    expect((await client.findUser({ id: DEMO_PEOPLE.reviewed.id }))!.active).toBe(false);
    expect((await client.findUser({ email: DEMO_PEOPLE.reviewed.email }))!.active).toBe(false);
    expect(await client.findUser({ email: DEMO_PEOPLE.reviewed.email }, { deleted: false })).toBeNull();
  });

  it('tells seats apart from public data only, reading the custom roles once, and last logins', async () => {
    sandbox.state.requestLog.length = 0;
    const users = await Promise.all(
      [DEMO_PEOPLE.lightAgent, DEMO_PEOPLE.contributor, DEMO_PEOPLE.admin, DEMO_PEOPLE.rehire].map(
        async (p) => (await client.getUser(p.id))!,
      ),
    );
    const [light, contributor, admin, suspended] = await client.entitlementsMany(users);
    // docs/zendesk-rules.md §9 (S9): light agents and contributors take a seat only with Chat/Guide/Explore roles, which the
    // public API cannot show; a suspended agent keeps its seat (§2).
    expect(light).toMatchObject({
      seat: 'light_agent',
      paid_seat: 'unknown',
      products: { support: 'light_agent', guide: 'unknown' },
      source: 'user_fields',
    });
    expect(contributor).toMatchObject({ seat: 'free', paid_seat: 'unknown' });
    expect(admin).toMatchObject({ seat: 'paid', paid_seat: 'yes', products: { support: 'admin' } });
    expect(suspended).toMatchObject({ seat: 'paid', paid_seat: 'yes', suspended: true });
    expect(await client.entitlements(users[0]!)).toEqual(light);
    const paths = sandbox.state.requestLog.map((r) => r.path);
    expect(paths.filter((p) => p.includes('/custom_roles'))).toHaveLength(1);
    expect(paths.some((p) => p.includes('/api/admin/private'))).toBe(false);
    expect(client.lastLogin((await client.getUser(DEMO_PEOPLE.agent.id))!)).toBe('never');
    expect(client.lastLogin((await client.getUser(DEMO_PEOPLE.inactive.id))!)).toBeInstanceOf(Date);
  });
});

describe('actions', () => {
  const port = () => client.asPort();
  const user = async (id: number) => (await client.getUser(id))!;

  it('downgrades once, reassigning the open assigned tickets first, and says already done the second time', async () => {
    const reassign = { ...key, reassign_to: [{ agent: { email: DEMO_PEOPLE.manager.email } }] };
    const first = await port().downgrade(await user(DEMO_PEOPLE.leaver.id), reassign);
    expect(first.status).toBe('succeeded');
    expect(first.after!.role).toBe('end-user');
    expect(first.reassignment!.moved.length).toBeGreaterThan(0);
    for (const id of first.reassignment!.moved)
      expect(sandbox.state.tickets.get(id)!.assignee_id).toBe(DEMO_PEOPLE.manager.id);
    expect(first.request_ids.length).toBeGreaterThan(1);
    expect((await port().downgrade(await user(DEMO_PEOPLE.leaver.id), reassign)).status).toBe('already_done');
  });

  it('suspends and unsuspends idempotently', async () => {
    expect((await port().suspend(await user(DEMO_PEOPLE.reviewed.id), key)).status).toBe('succeeded');
    expect((await port().suspend(await user(DEMO_PEOPLE.reviewed.id), key)).status).toBe('already_done');
    expect((await port().unsuspend(await user(DEMO_PEOPLE.rehire.id), key)).after!.suspended).toBe(false);
    expect((await port().unsuspend(await user(DEMO_PEOPLE.rehire.id), key)).status).toBe('already_done');
  });

  it('deprovisions in two steps, resumes after a soft delete, and is done when the user is gone', async () => {
    // The rehired agent requests no ticket and has none assigned, so Zendesk lets the delete through (§4).
    const soft = await port().deprovision(await user(DEMO_PEOPLE.rehire.id), { ...key, permanent: false });
    expect(soft.detail).toBe('soft deleted');
    const resumed = await port().deprovision((await client.findUser({ email: DEMO_PEOPLE.rehire.email }))!, {
      ...key,
      permanent: true,
    });
    expect(resumed).toMatchObject({ status: 'succeeded', detail: 'permanently deleted', after: null });
    expect(sandbox.state.requestLog.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([
      `/api/v2/users/${DEMO_PEOPLE.rehire.id}.json`,
      `/api/v2/deleted_users/${DEMO_PEOPLE.rehire.id}.json`,
    ]);
    const gone = { ...soft.before!, active: false };
    expect((await port().deprovision(gone, { ...key, permanent: true })).status).toBe('already_done');
  });

  it('refuses the account owner and protected users', async () => {
    await expect(port().suspend(await user(DEMO_PEOPLE.owner.id), key)).rejects.toMatchObject({
      code: 'protected_user',
    });
    const guarded = client.asPort({
      protectedUsers: { ids: [], emails: [DEMO_PEOPLE.admin.email], external_ids: [] },
    });
    await expect(
      guarded.deprovision(await user(DEMO_PEOPLE.admin.id), { ...key, permanent: true }),
    ).rejects.toMatchObject({ code: 'protected_user' });
  });

  it('transfers requested tickets to an active destination, skipping closed ones, then reports already done', async () => {
    const first = await port().transferData(
      await user(DEMO_PEOPLE.leaver.id),
      { email: DEMO_PEOPLE.manager.email },
      key,
    );
    expect(first.status).toBe('succeeded');
    expect(first.transfer!.moved.length).toBe(12);
    expect(first.transfer!.skipped.length).toBe(3);
    for (const id of first.transfer!.moved)
      expect(sandbox.state.tickets.get(id)!.requester_id).toBe(DEMO_PEOPLE.manager.id);
    const again = await port().transferData(
      await user(DEMO_PEOPLE.leaver.id),
      { email: DEMO_PEOPLE.manager.email },
      key,
    );
    expect(again.status).toBe('already_done');
    await expect(
      port().transferData(await user(DEMO_PEOPLE.leaver.id), { id: 999 }, key),
    ).rejects.toMatchObject({ code: 'invalid_destination' });
  });
});

describe('tickets for the audit trail', () => {
  it('creates with an idempotency key and finds by external id', async () => {
    const body = { subject: 'audit', comment: { body: 'x', public: false }, external_id: 'ext-1' };
    const first = await client.createTicket(body, { idempotencyKey: 'k1' });
    const replay = await client.createTicket(body, { idempotencyKey: 'k1' });
    expect(replay).toMatchObject({ replayed: true, ticket: { id: first.ticket.id } });
    expect((await client.findTicketsByExternalId('ext-1')).map((t) => t.id)).toEqual([first.ticket.id]);
  });
});

describe('resilience', () => {
  it('keeps status, body and request id in typed errors', async () => {
    // A user Zendesk does not have: the PUT answers 404 (S1).
    const ghost = { ...(await client.getUser(DEMO_PEOPLE.agent.id))!, id: 777, suspended: false };
    const error = await client
      .asPort()
      .suspend(ghost, key)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFound);
    expect(error).toMatchObject({ status: 404, retryable: false, body: { error: 'RecordNotFound' } });
    expect((error as NotFound).requestId).toBeTruthy();
  });

  it('completes an action through a 429 storm, honouring Retry-After', async () => {
    sandbox.faults.set({ rateLimitStormMs: 1200 });
    const t0 = Date.now();
    const report = await client.asPort().suspend((await client.getUser(DEMO_PEOPLE.agent.id))!, key);
    expect(report.status).toBe('succeeded');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(client.stats().rateLimited).toBeGreaterThan(0);
  });

  it('retries 5xx answers and completes', async () => {
    sandbox.faults.set({ route: 'PUT /users/:id', errorRate: 0.6, status: 503 });
    const report = await client.asPort().suspend((await client.getUser(DEMO_PEOPLE.agent.id))!, key);
    expect(report.status).toBe('succeeded');
  });

  it('gives up with a retryable error when Zendesk stays over its limit', async () => {
    sandbox.faults.set({ rateLimitStormMs: 60_000 });
    const impatient = clientFor(sandbox, { retry: { retries: 1, initialDelayMs: 10, maxDelayMs: 10 } });
    const error = await impatient.getUser(DEMO_PEOPLE.agent.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimited);
    expect((error as RateLimited).retryable).toBe(true);
  });

  it('never logs credentials', async () => {
    const lines: string[] = [];
    const capture = (o: object, m?: string) => void lines.push(JSON.stringify(o) + (m ?? ''));
    const logger = { debug: capture, info: capture, warn: capture, error: capture };
    const logged = clientFor(sandbox, { logger });
    // Every answer a 500 for a while: each retry is logged (the lines this test reads), then the call gives up.
    sandbox.faults.set({ route: 'GET /users/:id', errorRate: 1, status: 500 });
    await expect(logged.getUser(DEMO_PEOPLE.agent.id)).rejects.toThrow();
    sandbox.faults.clear();
    expect(await logged.getUser(DEMO_PEOPLE.leaver.id)).not.toBeNull();
    const text = lines.join('\n');
    // Something was logged, about these very calls: otherwise the checks below would hold for nothing.
    expect(lines.length).toBeGreaterThanOrEqual(6);
    expect(text).toContain(`/api/v2/users/${DEMO_PEOPLE.agent.id}`);
    const { email, token } = sandbox.credentials;
    expect(text).not.toContain(token);
    expect(text).not.toContain(Buffer.from(`${email}/token:${token}`).toString('base64'));
    expect(text.toLowerCase()).not.toContain('authorization');
  });
});
