// The invariants themselves, against a real sandbox's request log and state: they must be able to fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import {
  deprovisionedState,
  deprovisionRules,
  expectedPurge,
  finalStateOf,
  purgeMismatches,
  purgesDone,
  repeatedChanges,
} from './invariants.js';
import { emptyLedger, ledgerListOf } from './ledger.js';
import type { ResultEvent } from '@zendesk-lifecycle/core';
import type { Workload } from './workload.js';

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

  it('tolerates a no-op repeat only in runs that kill a broker, and never a repeat that changed something', async () => {
    const user = agents()[2]!;
    const from = sandbox.state.requestLog.length;
    expect(await call('PUT', `/users/${user.id}.json`, { user: { suspended: true } })).toBe(200);
    expect(await call('PUT', `/users/${user.id}.json`, { user: { suspended: true } })).toBe(200);
    const noop = sandbox.state.requestLog.slice(from);
    expect(repeatedChanges(noop, { noopRepeatsAllowed: true })).toEqual([]);
    expect(repeatedChanges(noop)).toHaveLength(1);
    expect(await call('PUT', `/users/${user.id}.json`, { user: { suspended: false } })).toBe(200);
    const changing = sandbox.state.requestLog.slice(from);
    expect(changing.map((r) => r.changed)).toEqual([true, false, true]);
    expect(repeatedChanges(changing, { noopRepeatsAllowed: true })).toEqual([
      { key: `PUT users/:id (user ${user.id})`, sent: 3, allowed: 2 },
    ]);
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
    expect(deprovisionedState(deprovisionRules({ purge_after_days: 0 }, env))).toBe('deleted');
    expect(deprovisionedState(deprovisionRules({ allow_irreversible: true, purge_after_days: 0 }, {}))).toBe(
      'deleted',
    );
  });

  it('follows the product default (core parsePolicy): absent, purge_after_days is 7 days, so the purge waits', () => {
    const env = { ALLOW_IRREVERSIBLE: 'true' };
    expect(deprovisionRules({ blast_radius: {} }, env).purgeAfterDays).toBe(7);
    expect(deprovisionedState(deprovisionRules({ blast_radius: {} }, env))).toBe('soft-deleted');
    expect(deprovisionedState(deprovisionRules({ purge_after_days: 7 }, env))).toBe('soft-deleted');
    // A policy the consumers would refuse is refused here too, rather than guessed at.
    expect(() => deprovisionRules({ purge_after_days: '7' }, env)).toThrow(/purge_after_days/);
  });

  it('requires the purge after a grace period the run waits for, unless the user was re-hired inside it', () => {
    const rules = deprovisionRules({ purge_after_days: 8 / 86_400 }, { ALLOW_IRREVERSIBLE: 'true' });
    expect(deprovisionedState(rules)).toBe('deleted');
    expect(expectedPurge(rules, false)).toBe('purge');
    expect(deprovisionedState(rules, true)).toBe('soft-deleted');
    expect(expectedPurge(rules, true)).toBe('cancel');
    expect(
      expectedPurge(deprovisionRules({ purge_after_days: 0 }, { ALLOW_IRREVERSIBLE: 'true' }), false),
    ).toBe('none');
  });

  it('expects the user untouched when permanent deletion is off (the step is refused)', () => {
    expect(deprovisionedState(deprovisionRules({}, {}))).toBe('active');
    expect(deprovisionedState(deprovisionRules(null, { ALLOW_IRREVERSIBLE: 'false' }))).toBe('active');
  });
});

describe('the purge of a deprovisioned user, once', () => {
  it('counts only permanent deletes that changed something, per user', async () => {
    const user = agents()[6]!;
    const from = sandbox.state.requestLog.length;
    expect(await call('DELETE', `/users/${user.id}.json`)).toBe(200);
    expect(await call('DELETE', `/deleted_users/${user.id}.json`)).toBe(200);
    // A repeat finds nothing left to delete: it changed nothing and is not a second purge (repeatedChanges counts it).
    await call('DELETE', `/deleted_users/${user.id}.json`);
    expect(purgesDone(sandbox.state.requestLog.slice(from))).toEqual(new Map([[user.id, 1]]));
  });

  it("files a purge's results apart from the event's own, by the result id's suffix", () => {
    expect(ledgerListOf('result:chaos/x:run-1')).toBe('results');
    expect(ledgerListOf('result:chaos/x:run-1:purge')).toBe('purges');
    expect(ledgerListOf('result:chaos/x:run-1:purge:cancelled')).toBe('purgeCancellations');
    expect(ledgerListOf('result:chaos/x:run-1:scheduled')).toBe('results');
  });

  it('names a deprovisioned event without its purge, with two, or purged although re-hired', () => {
    const event = (id: string, user: number) =>
      ({ id, data: { user: { id: user } } }) as unknown as Workload['events'][number];
    const workload = {
      events: [event('a', 1), event('b', 2), event('c', 3), event('d', 4)],
      invalid: [],
      expected: new Map([
        [1, 'deleted'],
        [2, 'deleted'],
        [3, 'deleted'],
        [4, 'suspended'],
      ]),
      expectedActions: new Map(),
      rehires: new Map([[3, event('c-rehire', 3)]]),
    } as Workload;
    const rules = { allowIrreversible: true, purgeAfterDays: 8 / 86_400 };
    const ledger = emptyLedger();
    const r = {} as ResultEvent;
    ledger.purges.set('a', [r]);
    ledger.purgeCancellations.set('c', [r]);
    expect(purgeMismatches(workload, ledger, rules)).toEqual([
      'b (user 2: 0 purged, 0 cancelled; expected purge)',
    ]);
    ledger.purges.set('b', [r, r]);
    ledger.purges.set('c', [r]);
    expect(purgeMismatches(workload, ledger, rules)).toEqual([
      'b (user 2: 2 purged, 0 cancelled; expected purge)',
      'c (user 3: 1 purged, 1 cancelled; expected cancel)',
    ]);
  });
});
