// A dry run, then the same event live, through the real executor, the Zendesk client and this logger over the
// sandbox: nothing the dry run audited counts as done, so every live step acts (issue 19, "Dry run").
import {
  createLifecycleEvent,
  defaultPolicy,
  executePlan,
  planEvent,
  type ExecuteOptions,
} from '@zendesk-lifecycle/core';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditTickets, clientFor, loggerFor } from './testing/sandbox.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0 });
});
afterAll(async () => {
  await sandbox.stop();
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
    const options: ExecuteOptions = {
      zendesk: clientFor(sandbox).asPort(),
      audit: loggerFor(sandbox),
      protectedUsers: { ids: [], emails: [], external_ids: [] },
    };
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
