// The invariants themselves, against a real sandbox's request log and state: they must be able to fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { deprovisionedState, deprovisionRules, finalStateOf, repeatedChanges } from './invariants.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({
    seed: { users: 12, tickets: 0 },
    rpm: 0,
    permanentDeleteLimit: { max: 0, windowMs: 1 },
  });
});
afterAll(async () => {
  await sandbox?.stop();
});

const agents = () =>
  [...sandbox.state.users.values()].filter((u) => u.role === 'agent' && u.id !== sandbox.state.ownerId);

async function call(method: string, path: string, body?: unknown): Promise<number> {
  const res = await fetch(`${sandbox.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${sandbox.credentials.oauthToken}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('no Zendesk change made twice', () => {
  it('counts a repeated no-op suspend, which changed nothing the second time', async () => {
    const user = agents()[0]!;
    const from = sandbox.state.requestLog.length;
    expect(await call('PUT', `/users/${user.id}.json`, { user: { suspended: true } })).toBe(200);
    expect(await call('PUT', `/users/${user.id}.json`, { user: { suspended: true } })).toBe(200);
    const log = sandbox.state.requestLog.slice(from);
    expect(log.map((r) => r.changed)).toEqual([true, false]);
    expect(repeatedChanges(log)).toEqual([{ key: `PUT users/:id (user ${user.id})`, sent: 2, allowed: 1 }]);
  });

  it('allows the retry an injected fault made necessary, and only that one', async () => {
    const user = agents()[1]!;
    const from = sandbox.state.requestLog.length;
    sandbox.faults.set({ route: 'PUT /users/:id', errorRate: 1, status: 503 });
    expect(await call('PUT', `/users/${user.id}.json`, { user: { suspended: true } })).toBe(503);
    sandbox.faults.clear();
    expect(await call('PUT', `/users/${user.id}.json`, { user: { suspended: true } })).toBe(200);
    expect(repeatedChanges(sandbox.state.requestLog.slice(from))).toEqual([]);
    // A third one is not covered by the single fault.
    expect(await call('PUT', `/users/${user.id}.json`, { user: { suspended: true } })).toBe(200);
    expect(repeatedChanges(sandbox.state.requestLog.slice(from))).toEqual([
      { key: `PUT users/:id (user ${user.id})`, sent: 3, allowed: 2 },
    ]);
  });

  it('keeps kinds and users apart: a soft delete and a permanent delete are one change each', async () => {
    const user = agents()[2]!;
    const from = sandbox.state.requestLog.length;
    expect(await call('DELETE', `/users/${user.id}.json`)).toBe(200);
    expect(await call('DELETE', `/deleted_users/${user.id}.json`)).toBe(200);
    expect(repeatedChanges(sandbox.state.requestLog.slice(from))).toEqual([]);
  });
});

describe('the final state of a deprovisioned user', () => {
  it('tells a soft delete from a permanent one', async () => {
    const [soft, gone, live] = agents().slice(3, 6);
    expect(await call('DELETE', `/users/${soft!.id}.json`)).toBe(200);
    expect(await call('DELETE', `/users/${gone!.id}.json`)).toBe(200);
    expect(await call('DELETE', `/deleted_users/${gone!.id}.json`)).toBe(200);
    expect(finalStateOf(sandbox, soft!.id)).toBe('soft-deleted');
    expect(finalStateOf(sandbox, gone!.id)).toBe('deleted');
    expect(finalStateOf(sandbox, live!.id)).toBe('active');
  });

  it('requires the purge when irreversible actions are on and the purge is immediate', () => {
    const env = { ALLOW_IRREVERSIBLE: 'true' };
    expect(deprovisionedState(deprovisionRules({ blast_radius: {} }, env))).toBe('deleted');
    expect(deprovisionedState(deprovisionRules({ purge_after_days: 0 }, env))).toBe('deleted');
    expect(deprovisionedState(deprovisionRules({ allow_irreversible: true }, {}))).toBe('deleted');
  });

  it('expects a soft delete with the purge waiting when the policy delays it (purge_after_days > 0)', () => {
    expect(
      deprovisionedState(deprovisionRules({ purge_after_days: 7 }, { ALLOW_IRREVERSIBLE: 'true' })),
    ).toBe('soft-deleted');
    // Not a number (a malformed or foreign field): read as no delay rather than trusted.
    expect(
      deprovisionedState(deprovisionRules({ purge_after_days: '7' }, { ALLOW_IRREVERSIBLE: 'true' })),
    ).toBe('deleted');
  });

  it('expects the user untouched when permanent deletion is off (the step is refused)', () => {
    expect(deprovisionedState(deprovisionRules({}, {}))).toBe('active');
    expect(deprovisionedState(deprovisionRules(null, { ALLOW_IRREVERSIBLE: 'false' }))).toBe('active');
  });
});
