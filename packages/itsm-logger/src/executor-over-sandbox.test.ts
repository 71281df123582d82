// Issue 19 through the real executor, the Zendesk client and this logger over the sandbox (reseeded per test):
// - a dry run, then the same event live: nothing the dry run audited counts as done, so every live step acts
//   ("Dry run");
// - a forged event reusing a real event's source and id (other data) is never "already done": it is refused as a
//   conflict and audited, and the real event's record still stands ("Step identity").
import {
  createLifecycleEvent,
  defaultPolicy,
  executePlan,
  planEvent,
  type ExecuteOptions,
} from '@zendesk-lifecycle/core';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditTickets, clientFor, loggerFor } from './testing/sandbox.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0 });
});
beforeEach(() => sandbox.reset());
afterAll(async () => {
  await sandbox.stop();
});

const executeOptions = (): ExecuteOptions => ({
  zendesk: clientFor(sandbox).asPort(),
  audit: loggerFor(sandbox),
  protectedUsers: { ids: [], emails: [], external_ids: [] },
});

describe('a dry run, then the same event live', () => {
  it('acts on every step live, and the dry run tickets say planned', async () => {
    const leo = DEMO_PEOPLE.leaver;
    const event = createLifecycleEvent({
      source: 'hr/test',
      id: 'evt-dry-then-live',
      type: 'lifecycle.offboarding.v1',
      user: { email: leo.email },
      transfer_to: { email: DEMO_PEOPLE.manager.email },
    });
    const options = executeOptions();
    const policy = defaultPolicy();

    const dry = await executePlan(planEvent(event, policy, { dryRun: true }), options);
    expect(dry.status).toBe('completed');
    expect(dry.steps.map((s) => [s.action, s.outcome])).toEqual([
      ['transfer_data', 'planned'],
      ['downgrade', 'planned'],
      ['suspend', 'planned'],
    ]);
    expect(sandbox.state.users.get(leo.id)).toMatchObject({ role: 'agent', suspended: false });
    const dryTickets = auditTickets(sandbox);
    expect(dryTickets).toHaveLength(3);
    for (const ticket of dryTickets)
      expect(ticket.tags).toEqual(expect.arrayContaining(['dry_run', 'outcome_planned']));

    const live = await executePlan(planEvent(event, policy, { dryRun: false }), options);
    expect(live.status).toBe('completed');
    expect(live.steps.map((s) => [s.action, s.outcome, s.recalled])).toEqual([
      ['transfer_data', 'succeeded', false],
      ['downgrade', 'succeeded', false],
      ['suspend', 'succeeded', false],
    ]);
    expect(sandbox.state.users.get(leo.id)).toMatchObject({ role: 'end-user', suspended: true });
    expect(auditTickets(sandbox)).toHaveLength(6);
  });
});

describe('a forged event reusing a real event id', () => {
  it('is refused as a conflict and audited, never recalled as done', async () => {
    const options = executeOptions();
    const revoke = (email: string) =>
      createLifecycleEvent({
        source: 'idp/okta',
        id: 'evt-review-42',
        type: 'lifecycle.access_revoked.v1',
        user: { email },
      });
    const real = planEvent(revoke(DEMO_PEOPLE.reviewed.email), defaultPolicy());
    expect((await executePlan(real, options)).steps[0]).toMatchObject({ outcome: 'succeeded' });

    const forged = planEvent(revoke(DEMO_PEOPLE.agent.email), defaultPolicy());
    const execution = await executePlan(forged, options);
    expect(execution.steps[0]).toMatchObject({
      outcome: 'refused',
      recalled: false,
      refusal: { rule: 'event_id_conflict' },
    });
    expect(sandbox.state.users.get(DEMO_PEOPLE.agent.id)?.suspended).toBe(false);
    const refusal = auditTickets(sandbox).find((t) => t.id === execution.steps[0]!.audit_ticket_id);
    expect(refusal).toMatchObject({
      status: 'open',
      external_id: `zendesk-lifecycle:${forged.steps[0]!.idempotency_key}`,
    });
    expect(refusal?.tags).toEqual(
      expect.arrayContaining(['outcome_refused', `event_digest_${forged.event_digest}`]),
    );

    // The real event, delivered again, still finds its own ticket; the forged one finds its refusal again.
    expect((await executePlan(real, options)).steps[0]).toMatchObject({
      outcome: 'succeeded',
      recalled: true,
    });
    const again = await executePlan(forged, options);
    expect(again.steps[0]).toMatchObject({ outcome: 'refused', audit_ticket_id: refusal?.id });
    expect(auditTickets(sandbox)).toHaveLength(2);
  });
});
