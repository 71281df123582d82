import { describe, expect, it } from 'vitest';
import { ActionRefused } from '../errors/action-refused.js';
import { LifecycleError } from '../errors/lifecycle-error.js';
import { createLifecycleEvent, type NewEvent } from '../events/build-event.js';
import { planEvent } from '../planner/plan.js';
import { purgePlanOf } from '../planner/purge.js';
import { defaultPolicy } from '../policy/policy.js';
import { InMemoryBrake } from '../rails/blast-radius.js';
import { buildResultEvent, resultEventSchema } from '../results/result-event.js';
import { MemoryAudit, MemoryZendesk, user } from '../testing/fakes.js';
import { executePlan, type ExecuteOptions } from './execute.js';

const noProtection = { ids: [], emails: [], external_ids: [] };
const clock = { now: () => new Date('2026-11-24T12:00:00Z') };

function setup(
  input: Partial<NewEvent> & Pick<NewEvent, 'type'>,
  irreversible = true,
  policy = defaultPolicy(),
) {
  const zendesk = new MemoryZendesk([
    user({ id: 10 }),
    user({ id: 2, name: 'Manager' }),
    user({ id: 1, is_account_owner: true }),
  ]);
  zendesk.requested.set(10, [601, 602]);
  const audit = new MemoryAudit();
  const event = createLifecycleEvent({ source: 'test', user: { id: 10 }, id: 'e-1', ...input });
  const plan = planEvent(event, policy, { allowIrreversible: irreversible });
  const options: ExecuteOptions = { zendesk, audit, protectedUsers: noProtection, clock };
  return { zendesk, audit, plan, options };
}

describe('executing a plan', () => {
  it('transfers, downgrades, suspends, then deprovisions, auditing each step before the next', async () => {
    const { zendesk, audit, plan, options } = setup({
      type: 'lifecycle.offboarding.v1',
      transfer_to: { id: 2 },
    });
    const execution = await executePlan(plan, options);
    expect(execution.status).toBe('completed');
    expect(execution.steps.map((s) => [s.action, s.outcome])).toEqual([
      ['transfer_data', 'succeeded'],
      ['downgrade', 'succeeded'],
      ['suspend', 'succeeded'],
      ['deprovision', 'succeeded'],
    ]);
    expect(zendesk.calls).toEqual([
      'transfer_data:10->2',
      'downgrade:10',
      'suspend:10',
      'deprovision:10:false',
    ]);
    expect([...audit.tickets.values()].map((t) => t.outcome.step.action)).toEqual([
      'transfer_data',
      'downgrade',
      'suspend',
      'deprovision',
    ]);
    expect(execution.steps.every((s) => s.audit_ticket_id !== null)).toBe(true);
  });

  it('reassigns the open assigned tickets to the transfer destination before the downgrade', async () => {
    const { zendesk, audit, plan, options } = setup(
      { type: 'lifecycle.offboarding.v1', transfer_to: { id: 2 } },
      false,
    );
    zendesk.assigned.set(10, [501, 502]);
    const execution = await executePlan(plan, options);
    expect(execution.steps.map((s) => [s.action, s.outcome])).toEqual([
      ['transfer_data', 'succeeded'],
      ['downgrade', 'succeeded'],
      ['suspend', 'succeeded'],
    ]);
    const downgrade = [...audit.tickets.values()][1]!.outcome;
    expect(downgrade.reassignment).toEqual({ to: { assignee_id: 2 }, moved: [501, 502], failed: [] });
  });

  it('reassigns to the policy target when the event names no destination', async () => {
    const policy = defaultPolicy({ reassign_assigned_tickets_to: { group_id: 77 } });
    const { zendesk, audit, plan, options } = setup({ type: 'lifecycle.license_reclaim.v1' }, false, policy);
    zendesk.assigned.set(10, [501]);
    expect((await executePlan(plan, options)).steps[0]!.outcome).toBe('succeeded');
    expect([...audit.tickets.values()][0]!.outcome.reassignment?.to).toEqual({ group_id: 77 });
  });

  it('audits a refusal from Zendesk as refused, with the reason, and carries on', async () => {
    const { zendesk, audit, plan, options } = setup({ type: 'lifecycle.offboarding.v1' });
    zendesk.failures.set('deprovision', [
      new ActionRefused(
        'zendesk_refused_delete',
        'requester on 3 tickets that are not closed; transfer them',
        {
          request_ids: ['req-9'],
        },
      ),
    ]);
    const execution = await executePlan(plan, options);
    expect(execution.status).toBe('completed');
    expect(execution.steps.at(-1)).toMatchObject({
      action: 'deprovision',
      outcome: 'refused',
      refusal: { rule: 'zendesk_refused_delete', reason: expect.stringMatching(/transfer them/) },
    });
    const audited = [...audit.tickets.values()].at(-1)!.outcome;
    expect(audited).toMatchObject({ outcome: 'refused', request_ids: ['req-9'] });
  });

  it('refuses a downgrade that has nowhere to put the assigned tickets, on the first attempt', async () => {
    const { zendesk, plan, options } = setup({ type: 'lifecycle.license_reclaim.v1' });
    zendesk.assigned.set(10, [501]);
    const execution = await executePlan(plan, options);
    expect(execution).toMatchObject({ status: 'completed' });
    expect(execution.steps[0]).toMatchObject({
      outcome: 'refused',
      refusal: { rule: 'no_reassignment_target' },
    });
    expect(zendesk.users.get(10)!.role).toBe('agent');
  });

  it('refuses to deprovision when the required transfer failed', async () => {
    const { zendesk, plan, options } = setup({ type: 'lifecycle.offboarding.v1', transfer_to: { id: 999 } });
    const execution = await executePlan(plan, options);
    expect(execution.steps.map((s) => s.outcome)).toEqual(['failed', 'refused', 'succeeded', 'refused']);
    expect(execution.steps[1]!.refusal?.rule).toBe('precondition_failed');
    expect(execution.steps[3]!.refusal?.rule).toBe('precondition_failed');
    expect(zendesk.calls.some((c) => c.startsWith('deprovision'))).toBe(false);
  });

  it('never touches the account owner', async () => {
    const { zendesk, plan, options } = setup({ type: 'lifecycle.access_revoked.v1', user: { id: 1 } });
    const execution = await executePlan(plan, options);
    expect(execution.steps[0]).toMatchObject({ outcome: 'refused', refusal: { rule: 'protected_user' } });
    expect(zendesk.calls).toEqual([]);
  });

  it('never touches a user protected by policy', async () => {
    const { zendesk, plan, options } = setup({ type: 'lifecycle.access_revoked.v1' });
    const execution = await executePlan(plan, {
      ...options,
      protectedUsers: { ids: [], emails: ['USER10@acme.test'], external_ids: [] },
    });
    expect(execution.steps[0]!.outcome).toBe('refused');
    expect(zendesk.calls).toEqual([]);
  });

  it('stops and retries later on a transient failure, without auditing it', async () => {
    const { zendesk, audit, plan, options } = setup({ type: 'lifecycle.access_revoked.v1' });
    zendesk.failures.set('suspend', [
      new LifecycleError('zendesk_rate_limited', '429', { retryable: true, retryAfterSeconds: 3 }),
    ]);
    const execution = await executePlan(plan, options);
    expect(execution).toMatchObject({ status: 'retry', retryAfterMs: 3000 });
    expect(audit.tickets.size).toBe(0);
    const again = await executePlan(plan, options);
    expect(again.status).toBe('completed');
    expect(audit.tickets.size).toBe(1);
  });

  it('acts on nothing once the event may belong to another consumer, and retries', async () => {
    const { zendesk, audit, plan, options } = setup({ type: 'lifecycle.offboarding.v1' });
    let owner = true;
    const execution = await executePlan(plan, { ...options, stillOwner: () => owner });
    expect(execution.status).toBe('completed');
    const calls = zendesk.calls.length;
    owner = false;
    const other = planEvent(
      createLifecycleEvent({
        source: 'test',
        user: { id: 2 },
        id: 'e-2',
        type: 'lifecycle.access_revoked.v1',
      }),
      defaultPolicy(),
    );
    const held = await executePlan(other, { ...options, stillOwner: () => owner });
    expect(held).toMatchObject({ status: 'retry', error: { code: 'ownership_uncertain', retryable: true } });
    expect(zendesk.calls.slice(calls).filter((c) => !c.startsWith('findUser'))).toEqual([]);
    expect([...audit.tickets.values()].filter((t) => t.outcome.event.id === 'e-2')).toHaveLength(0);
  });

  it('audits a transient failure as failed on the final attempt', async () => {
    const { zendesk, plan, options } = setup({ type: 'lifecycle.access_revoked.v1' });
    zendesk.failures.set('suspend', [new LifecycleError('zendesk_server_error', '503', { retryable: true })]);
    const execution = await executePlan(plan, { ...options, finalAttempt: true });
    expect(execution.steps[0]).toMatchObject({
      outcome: 'failed',
      error: { code: 'zendesk_server_error', retryable: true },
    });
  });

  it('replays a finished event from the audit trail without acting again', async () => {
    const { zendesk, plan, options } = setup({ type: 'lifecycle.offboarding.v1', transfer_to: { id: 2 } });
    await executePlan(plan, options);
    const calls = zendesk.calls.length;
    const replay = await executePlan(plan, options);
    expect(replay.steps.every((s) => s.recalled)).toBe(true);
    expect(zendesk.calls.length).toBe(calls);
  });

  it('reports already done when the action had happened', async () => {
    const { zendesk, plan, options } = setup({ type: 'lifecycle.access_revoked.v1' });
    zendesk.users.set(10, user({ id: 10, suspended: true }));
    const execution = await executePlan(plan, options);
    expect(execution.steps[0]!.outcome).toBe('already_done');
  });

  it('treats deprovision of a user who is already gone as done', async () => {
    const { zendesk, plan, options } = setup({ type: 'lifecycle.offboarding.v1', actions: ['deprovision'] });
    zendesk.users.delete(10);
    const execution = await executePlan(plan, options);
    expect(execution.steps[0]).toMatchObject({
      outcome: 'already_done',
      detail: 'the user no longer exists',
    });
  });

  it('holds when the brake trips instead of acting, and keeps holding until it is released', async () => {
    const brake = new InMemoryBrake({ max_weight: 3, window_seconds: 60, weights: {} }, { clock });
    const first = setup({ type: 'lifecycle.license_reclaim.v1' });
    expect((await executePlan(first.plan, { ...first.options, brake })).status).toBe('completed');
    const second = setup({ type: 'lifecycle.license_reclaim.v1', id: 'e-2' });
    const held = await executePlan(second.plan, { ...second.options, brake });
    expect(held).toMatchObject({ status: 'hold', retryAfterMs: 5_000 });
    expect(held.status === 'hold' && held.reason).toMatch(/brake is tripped.*would have weighed 6/);
    expect(second.zendesk.calls).toEqual([]);
    brake.release('ops', 'checked the flood');
    expect((await executePlan(second.plan, { ...second.options, brake })).status).toBe('completed');
  });

  it('weighs each action by the weights given, and never counts a dry run', async () => {
    const brake = new InMemoryBrake({ max_weight: 5, window_seconds: 60, weights: {} }, { clock });
    const weights = { downgrade: 5 };
    const dry = setup({ type: 'lifecycle.license_reclaim.v1', id: 'e-dry' });
    for (let i = 0; i < 3; i += 1)
      await executePlan({ ...dry.plan, dry_run: true }, { ...dry.options, brake, weights });
    expect(brake.ledger.windowWeight(clock.now()).total).toBe(0);
    const live = setup({ type: 'lifecycle.license_reclaim.v1' });
    expect((await executePlan(live.plan, { ...live.options, brake, weights })).status).toBe('completed');
    expect(brake.ledger.windowWeight(clock.now())).toEqual({ total: 5, by_action: { downgrade: 5 } });
  });

  it('refunds the brake for an action that changed nothing (already done)', async () => {
    const brake = new InMemoryBrake({ max_weight: 10, window_seconds: 60, weights: {} }, { clock });
    const { zendesk, plan, options } = setup({ type: 'lifecycle.access_revoked.v1' });
    zendesk.users.set(10, user({ id: 10, suspended: true }));
    const execution = await executePlan(plan, { ...options, brake });
    expect(execution.steps[0]!.outcome).toBe('already_done');
    expect(brake.ledger.windowWeight(clock.now()).total).toBe(0);
  });

  it('holds a live plan at once while the brake is tripped (no look-up, no recall); a dry run still plans', async () => {
    const brake = new InMemoryBrake({ max_weight: 1, window_seconds: 60, weights: {} }, { clock });
    await brake.admit({ action: 'deprovision', weight: 2, event_id: 'x', idempotency_key: 'x' });
    const { zendesk, audit, plan, options } = setup({ type: 'lifecycle.access_revoked.v1' });
    const findUser = zendesk.findUser.bind(zendesk);
    zendesk.findUser = () => Promise.reject(new Error('looked up while held'));
    audit.recall = () => Promise.reject(new Error('recalled while held'));
    const untouchable = { ...options, brake };
    expect(await executePlan(plan, untouchable)).toMatchObject({ status: 'hold', steps: [] });
    zendesk.findUser = findUser;
    delete (audit as { recall?: unknown }).recall;
    const dry = await executePlan({ ...plan, dry_run: true }, { ...options, brake });
    expect(dry.steps.map((s) => s.outcome)).toEqual(['planned']);
  });

  it('holds when the brake cannot answer', async () => {
    const brake = { admit: () => Promise.reject(new Error('kafka down')) };
    const { zendesk, plan, options } = setup({ type: 'lifecycle.access_revoked.v1' });
    const held = await executePlan(plan, { ...options, brake });
    expect(held).toMatchObject({ status: 'hold', reason: 'the brake cannot answer: kafka down' });
    expect(zendesk.calls).toEqual([]);
  });

  it('changes nothing in a dry run but still audits what it would do', async () => {
    const { zendesk, audit, plan, options } = setup({ type: 'lifecycle.license_reclaim.v1' });
    const execution = await executePlan({ ...plan, dry_run: true }, options);
    expect(execution.steps[0]).toMatchObject({ outcome: 'planned', detail: 'dry run: would downgrade' });
    expect(zendesk.calls).toEqual([]);
    expect([...audit.tickets.values()][0]!.outcome.dry_run).toBe(true);
  });

  it('acts on every step of events a dry run saw before: nothing a dry run audits counts as done', async () => {
    const zendesk = new MemoryZendesk([user({ id: 10 }), user({ id: 2, name: 'Manager' })]);
    zendesk.requested.set(10, [601]);
    const audit = new MemoryAudit();
    const event = createLifecycleEvent({
      source: 'test',
      id: 'e-dry',
      type: 'lifecycle.offboarding.v1',
      user: { id: 10 },
      transfer_to: { id: 2 },
    });
    const options: ExecuteOptions = { zendesk, audit, protectedUsers: noProtection, clock };
    const dry = planEvent(event, defaultPolicy(), { allowIrreversible: true, dryRun: true });
    const rehearsal = await executePlan(dry, options);
    if (rehearsal.status !== 'completed') throw new Error('expected the dry run to complete');
    expect(rehearsal.steps.map((s) => s.outcome)).toEqual(['planned', 'planned', 'planned', 'planned']);
    expect(zendesk.calls).toEqual([]);
    const times = { source: 'consumer', startedAt: clock.now(), finishedAt: clock.now() };
    expect(buildResultEvent(dry, rehearsal, times).data.status).toBe('planned');

    const live = planEvent(event, defaultPolicy(), { allowIrreversible: true, dryRun: false });
    const execution = await executePlan(live, options);
    if (execution.status !== 'completed') throw new Error('expected the live run to complete');
    expect(execution.steps.map((s) => [s.outcome, s.recalled])).toEqual([
      ['succeeded', false],
      ['succeeded', false],
      ['succeeded', false],
      ['succeeded', false],
    ]);
    expect(zendesk.calls).toEqual([
      'transfer_data:10->2',
      'downgrade:10',
      'suspend:10',
      'deprovision:10:false',
    ]);
    expect(buildResultEvent(live, execution, times).data.status).toBe('completed');
    expect(audit.tickets.size).toBe(8);
  });

  it('does not take a recalled dry-run record for done even under a live key', async () => {
    const { zendesk, audit, plan, options } = setup({ type: 'lifecycle.access_revoked.v1' });
    const dryRun = await executePlan({ ...plan, dry_run: true }, options);
    expect(dryRun.steps[0]).toMatchObject({ outcome: 'planned' });
    // The same key (a hand-built plan): the planned record is found, yet the live run acts.
    expect(await audit.recall({ ...plan.steps[0]!, event_digest: plan.event_digest })).toMatchObject({
      outcome: 'planned',
    });
    const live = await executePlan(plan, options);
    expect(live.steps[0]).toMatchObject({ outcome: 'succeeded', recalled: false });
    expect(zendesk.calls).toEqual(['suspend:10']);
  });

  it('never takes a forged event reusing a real id for already done: it is refused as a conflict and audited', async () => {
    const { zendesk, audit, plan, options } = setup({ type: 'lifecycle.access_revoked.v1' });
    const real = await executePlan(plan, options);
    expect(real.steps[0]).toMatchObject({ outcome: 'succeeded' });
    const forgedEvent = createLifecycleEvent({
      source: 'test',
      id: 'e-1',
      type: 'lifecycle.access_revoked.v1',
      user: { id: 2 },
    });
    const forged = planEvent(forgedEvent, defaultPolicy());
    const execution = await executePlan(forged, options);
    expect(execution.steps[0]).toMatchObject({
      outcome: 'refused',
      recalled: false,
      refusal: { rule: 'event_id_conflict' },
    });
    expect(zendesk.calls).toEqual(['suspend:10']);
    const refusal = audit.tickets.get(forged.steps[0]!.idempotency_key);
    expect(refusal?.outcome).toMatchObject({
      outcome: 'refused',
      step: { event_digest: forged.event_digest },
    });
    // A redelivery of the real event still finds its own record.
    const again = await executePlan(plan, options);
    expect(again.steps[0]).toMatchObject({ outcome: 'succeeded', recalled: true });
  });

  it('asks to retry when the audit trail cannot be written', async () => {
    const { audit, plan, options } = setup({ type: 'lifecycle.access_revoked.v1' });
    audit.failNext = 1;
    expect((await executePlan(plan, options)).status).toBe('retry');
  });

  it('summarises a completed execution as a valid result event', async () => {
    const { plan, options } = setup({ type: 'lifecycle.access_revoked.v1', actions: ['downgrade'] });
    const execution = await executePlan(plan, options);
    if (execution.status !== 'completed') throw new Error('expected completion');
    const result = buildResultEvent(plan, execution, {
      source: 'consumer',
      startedAt: clock.now(),
      finishedAt: clock.now(),
    });
    expect(resultEventSchema.parse(result).data).toMatchObject({ status: 'refused', plan: ['downgrade'] });
  });

  it('tells the audit trail when its recall of the step found nothing (the recall-then-write contract)', async () => {
    const { audit, plan, options } = setup({ type: 'lifecycle.access_revoked.v1' });
    await executePlan(plan, options);
    expect(audit.contexts).toEqual([{ nothingRecalledAt: clock.now() }]);
  });

  it('puts the resolved Zendesk user id in the result, so readers need not parse the subject', async () => {
    const { zendesk, plan, options } = setup({
      type: 'lifecycle.access_revoked.v1',
      user: { email: 'user10@acme.test' },
    });
    const times = { source: 'consumer', startedAt: clock.now(), finishedAt: clock.now() };
    const execution = await executePlan(plan, options);
    if (execution.status !== 'completed') throw new Error('expected completion');
    expect(buildResultEvent(plan, execution, times)).toMatchObject({
      subject: 'email:user10@acme.test',
      data: { zendesk_user_id: 10 },
    });
    zendesk.users.delete(10);
    const missing = setup({
      type: 'lifecycle.access_revoked.v1',
      user: { email: 'nobody@acme.test' },
      id: 'e-9',
    });
    const none = await executePlan(missing.plan, missing.options);
    if (none.status !== 'completed') throw new Error('expected completion');
    expect(buildResultEvent(missing.plan, none, times).data.zendesk_user_id).toBeNull();
  });
});

describe('purge after the grace period, and cancelling what waits', () => {
  const leaver = () => {
    const world = setup({ type: 'lifecycle.offboarding.v1', actions: ['deprovision'] });
    world.zendesk.requested.delete(10);
    return world;
  };

  it('purges the soft-deleted user once, audited on its own key; a second firing is recalled', async () => {
    const { zendesk, audit, plan, options } = leaver();
    expect((await executePlan(plan, options)).status).toBe('completed');
    expect(await zendesk.findUser({ id: 10 })).toMatchObject({ active: false });
    const purge = purgePlanOf(plan, { zendeskUserId: 10, allowIrreversible: true })!;
    const first = await executePlan(purge, options);
    expect(first).toMatchObject({ status: 'completed', steps: [{ action: 'purge', outcome: 'succeeded' }] });
    expect(await zendesk.findUser({ id: 10 })).toBeNull();
    const again = await executePlan(purge, options);
    expect(again).toMatchObject({ steps: [{ outcome: 'succeeded', recalled: true }] });
    expect(zendesk.calls.filter((c) => c.startsWith('purge'))).toEqual(['purge:10']);
    expect([...audit.tickets.values()].filter((t) => t.outcome.step.action === 'purge')).toHaveLength(1);
  });

  it('refuses to purge a user active again (not_soft_deleted), and does not call Zendesk', async () => {
    const { zendesk, plan, options } = leaver();
    const purge = purgePlanOf(plan, { zendeskUserId: 10, allowIrreversible: true })!;
    const execution = await executePlan(purge, options);
    expect(execution).toMatchObject({
      steps: [{ outcome: 'refused', refusal: { rule: 'not_soft_deleted' } }],
    });
    expect(zendesk.calls.some((c) => c.startsWith('purge'))).toBe(false);
  });

  it('audits every waiting step as cancelled exactly once, touching nothing', async () => {
    const { zendesk, audit, plan, options } = leaver();
    const cancel = { ...options, cancel: { reason: 're-hired' } };
    const execution = await executePlan(plan, cancel);
    if (execution.status !== 'completed') throw new Error('expected completed');
    expect(execution.steps.map((s) => s.outcome)).toEqual(['cancelled']);
    const times = { source: 'consumer', startedAt: clock.now(), finishedAt: clock.now() };
    expect(buildResultEvent(plan, execution, times).data.status).toBe('cancelled');
    expect((await executePlan(plan, cancel)).steps[0]).toMatchObject({
      outcome: 'cancelled',
      recalled: true,
    });
    expect(zendesk.calls).toEqual([]);
    expect([...audit.tickets.values()].map((t) => t.outcome.outcome)).toEqual(['cancelled']);
  });
});
