// An audit record exists before anything irreversible (issue 19): deprovision opens its audit record "in
// progress" first, acts only once that is written, and completes the same record with the outcome.
import { describe, expect, it } from 'vitest';
import { LifecycleError } from '../errors/lifecycle-error.js';
import { createLifecycleEvent } from '../events/build-event.js';
import { planEvent } from '../planner/plan.js';
import { defaultPolicy } from '../policy/policy.js';
import { MemoryAudit, MemoryZendesk, user } from '../testing/fakes.js';
import { executePlan, type ExecuteOptions } from './execute.js';

const clock = { now: () => new Date('2026-11-24T12:00:00Z') };

function setup() {
  const zendesk = new MemoryZendesk([user({ id: 10 }), user({ id: 2, name: 'Manager' })]);
  const audit = new MemoryAudit();
  const event = createLifecycleEvent({
    source: 'test',
    id: 'e-1',
    type: 'lifecycle.offboarding.v1',
    user: { id: 10 },
    actions: ['suspend', 'deprovision'],
  });
  const plan = planEvent(event, defaultPolicy(), { allowIrreversible: true });
  const options: ExecuteOptions = {
    zendesk,
    audit,
    protectedUsers: { ids: [], emails: [], external_ids: [] },
    clock,
  };
  return { zendesk, audit, plan, options };
}

const deprovisionKey = (plan: ReturnType<typeof setup>['plan']) =>
  plan.steps.find((s) => s.action === 'deprovision')!.audit_key;

describe('the audit record before an irreversible action', () => {
  it('opens the record in progress before deleting, then completes that same record', async () => {
    const { zendesk, audit, plan, options } = setup();
    let openBeforeDelete = false;
    const deprovision = zendesk.deprovision.bind(zendesk);
    zendesk.deprovision = async (...args) => {
      openBeforeDelete = audit.tickets.get(deprovisionKey(plan))?.inProgress === true;
      return deprovision(...args);
    };
    const execution = await executePlan(plan, options);
    expect(execution.status).toBe('completed');
    expect(openBeforeDelete).toBe(true);
    const record = audit.tickets.get(deprovisionKey(plan))!;
    expect(record).toMatchObject({ outcome: { outcome: 'succeeded' } });
    expect(record.inProgress).toBeUndefined();
    expect(execution.steps.at(-1)).toMatchObject({ outcome: 'succeeded', audit_ticket_id: record.id });
    // Only the irreversible step is opened first: the suspend's record was written once, after the fact.
    expect(audit.contexts.map((c) => c.begun?.ticket_id)).toEqual([undefined, record.id]);
  });

  it('deletes nothing when the in-progress record is refused, and asks for another delivery', async () => {
    const { zendesk, audit, plan, options } = setup();
    audit.beginFailures.push(
      new LifecycleError('audit_unavailable', 'audit target down', {
        retryable: true,
        retryAfterSeconds: 30,
      }),
    );
    const execution = await executePlan(plan, options);
    expect(execution).toMatchObject({
      status: 'retry',
      error: { code: 'audit_unavailable', retryable: true },
      retryAfterMs: 30_000,
    });
    expect(zendesk.calls.some((c) => c.startsWith('deprovision'))).toBe(false);
    expect(zendesk.users.get(10)?.active).toBe(true);
  });

  it('deletes nothing when the audit trail refuses the record for good (the event dead-letters)', async () => {
    const { zendesk, audit, plan, options } = setup();
    audit.beginFailures.push(new LifecycleError('audit_rejected', 'unknown group', { retryable: false }));
    const execution = await executePlan(plan, options);
    expect(execution).toMatchObject({ status: 'retry', error: { code: 'audit_rejected', retryable: false } });
    expect(zendesk.calls.some((c) => c.startsWith('deprovision'))).toBe(false);
  });

  it('after a crash between the delete and its record, the replay completes the same record', async () => {
    const { audit, plan, options } = setup();
    // The delete happens, then the outcome cannot be written (as if the process died right then).
    const record = audit.record.bind(audit);
    let crash = true;
    audit.record = async (outcome, context) => {
      if (crash && outcome.step.action === 'deprovision') {
        crash = false;
        throw new LifecycleError('audit_unavailable', 'gone', { retryable: true });
      }
      return record(outcome, context);
    };
    expect((await executePlan(plan, options)).status).toBe('retry');
    const opened = audit.tickets.get(deprovisionKey(plan))!;
    expect(opened.inProgress).toBe(true);
    // The in-progress record is not done: the replay runs the step again and completes that record.
    const replay = await executePlan(plan, options);
    expect(replay.status).toBe('completed');
    expect(replay.steps.at(-1)).toMatchObject({
      action: 'deprovision',
      recalled: false,
      audit_ticket_id: opened.id,
    });
    expect(audit.tickets.get(deprovisionKey(plan))).toMatchObject({
      id: opened.id,
      outcome: { outcome: 'already_done' },
    });
    expect(audit.tickets.get(deprovisionKey(plan))?.inProgress).toBeUndefined();
    expect([...audit.tickets.values()].filter((t) => t.id === opened.id)).toHaveLength(1);
  });
});
