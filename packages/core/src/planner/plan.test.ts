import { describe, expect, it } from 'vitest';
import { createLifecycleEvent, type NewEvent } from '../events/build-event.js';
import { defaultPolicy, parsePolicy, parsePolicyText } from '../policy/policy.js';
import { isAllowed } from '../workflows/matrix.js';
import { planEvent, stepKey } from './plan.js';
import { deferredPurgeOf, purgePlanOf, purgeStepKey } from './purge.js';
import { canonicalJson } from './step-identity.js';

const event = (input: Partial<NewEvent> & Pick<NewEvent, 'type'>) =>
  createLifecycleEvent({ source: 'test', user: { id: 10 }, id: 'e-1', ...input });
const actions = (plan: ReturnType<typeof planEvent>) => plan.steps.map((s) => s.action);

describe('the workflow x action matrix', () => {
  it('refuses to downgrade in an access review', () => {
    expect(isAllowed('downgrade', { workflow: 'access_review', variant: null })).toBe(false);
  });
  it('allows transfer data in licence management only in an inactivity workflow', () => {
    expect(isAllowed('transfer_data', { workflow: 'license_management', variant: null })).toBe(false);
    expect(isAllowed('transfer_data', { workflow: 'license_management', variant: 'inactivity' })).toBe(true);
  });
  it('lets every workflow suspend and deprovision', () => {
    for (const workflow of ['offboarding', 'access_review', 'license_management'] as const) {
      expect(isAllowed('suspend', { workflow, variant: null })).toBe(true);
      expect(isAllowed('deprovision', { workflow, variant: null })).toBe(true);
    }
  });
});

describe('planning from the policy', () => {
  // Seat rules (docs/zendesk-rules.md §2, §3): a suspended agent still holds a seat, only a downgrade frees it,
  // and the open assigned tickets are reassigned on purpose before it.
  it('reclaims the seat of a leaver with irreversible actions off: transfer, downgrade, suspend', () => {
    const plan = planEvent(
      event({ type: 'lifecycle.offboarding.v1', transfer_to: { id: 2 } }),
      defaultPolicy(),
    );
    expect(actions(plan)).toEqual(['transfer_data', 'downgrade', 'suspend']);
    expect(plan.steps[1]).toMatchObject({ requires: [0], reassign_to: [{ agent: { id: 2 } }] });
    expect(plan.steps[2]).toMatchObject({ requires: [] });
    expect(plan.steps.some((s) => s.note)).toBe(false);
  });

  it('deprovisions last when irreversible actions are on', () => {
    const plan = planEvent(
      event({ type: 'lifecycle.offboarding.v1', transfer_to: { id: 2 } }),
      defaultPolicy(),
      { allowIrreversible: true },
    );
    expect(actions(plan)).toEqual(['transfer_data', 'downgrade', 'suspend', 'deprovision']);
    expect(plan.steps[3]).toMatchObject({ requires: [0], permanent: false, purge_after_days: 7 });
  });

  it('deletes permanently at once with purge_after_days 0, and refuses a grace period Zendesk would cut short', () => {
    const plan = planEvent(
      event({ type: 'lifecycle.offboarding.v1' }),
      defaultPolicy({ purge_after_days: 0 }),
      {
        allowIrreversible: true,
      },
    );
    expect(plan.steps.at(-1)).toMatchObject({ action: 'deprovision', permanent: true });
    expect(plan.steps.at(-1)?.purge_after_days).toBeUndefined();
    expect(() => defaultPolicy({ purge_after_days: 30 })).toThrow(
      /Zendesk purges soft-deleted users itself after 30 days/,
    );
  });

  it('takes a grace period in fractions of a day, above 0 and below 30', () => {
    for (const days of [8 / 86_400, 0.5, 29.99]) {
      const plan = planEvent(
        event({ type: 'lifecycle.offboarding.v1' }),
        defaultPolicy({ purge_after_days: days }),
        { allowIrreversible: true },
      );
      expect(plan.steps.at(-1)).toMatchObject({
        action: 'deprovision',
        permanent: false,
        purge_after_days: days,
      });
    }
    expect(() => defaultPolicy({ purge_after_days: 30.5 })).toThrow(/below 30/);
    expect(() => defaultPolicy({ purge_after_days: -0.5 })).toThrow(/purge_after_days/);
  });

  it('refuses an explicit purge while irreversible actions are off', () => {
    const plan = planEvent(event({ type: 'lifecycle.offboarding.v1', actions: ['purge'] }), defaultPolicy());
    expect(plan.steps[0]).toMatchObject({ action: 'purge', refusal: { rule: 'irreversible_disabled' } });
  });

  it('derives a purge plan of one step with its own key from the deprovision step', () => {
    const plan = planEvent(event({ type: 'lifecycle.offboarding.v1' }), defaultPolicy(), {
      allowIrreversible: true,
    });
    const deprovision = deferredPurgeOf(plan)!;
    const purge = purgePlanOf(plan, { zendeskUserId: 77, allowIrreversible: true })!;
    expect(purge.user).toEqual({ id: 77 });
    expect(purge.steps).toHaveLength(1);
    expect(purge.steps[0]).toMatchObject({ action: 'purge', index: deprovision.index });
    expect(purge.steps[0]!.refusal).toBeUndefined();
    expect(purge.steps[0]!.idempotency_key).not.toBe(deprovision.idempotency_key);
    expect(purge.steps[0]!.idempotency_key).toBe(purgeStepKey(deprovision));
    expect(purge.steps[0]!.audit_key).toMatch(/-purge$/);
    const off = purgePlanOf(plan, { allowIrreversible: false })!;
    expect(off.steps[0]!.refusal?.rule).toBe('irreversible_disabled');
  });

  it('downgrades and suspends a leaver without a destination', () => {
    const plan = planEvent(event({ type: 'lifecycle.offboarding.v1' }), defaultPolicy());
    expect(actions(plan)).toEqual(['downgrade', 'suspend']);
    expect(plan.steps[0]!.reassign_to).toEqual([]);
  });

  it('suspends instead of deprovisioning in a policy plan when irreversible actions are off', () => {
    const policy = defaultPolicy({ plans: { 'lifecycle.access_revoked.v1': ['deprovision'] } });
    const plan = planEvent(event({ type: 'lifecycle.access_revoked.v1' }), policy);
    expect(actions(plan)).toEqual(['suspend']);
    expect(plan.steps[0]!.note).toMatch(/irreversible actions are off/);
  });

  it('hands assigned tickets to the transfer destination first, then to the policy target', () => {
    const policy = defaultPolicy({ reassign_assigned_tickets_to: { group_id: 360001 } });
    const withDestination = planEvent(
      event({ type: 'lifecycle.inactivity.v1', transfer_to: { email: 'maya@acme.test' } }),
      policy,
    );
    expect(withDestination.steps.find((s) => s.action === 'downgrade')!.reassign_to).toEqual([
      { agent: { email: 'maya@acme.test' } },
      { group_id: 360001 },
    ]);
    const alone = planEvent(event({ type: 'lifecycle.license_reclaim.v1' }), policy);
    expect(alone.steps[0]!.reassign_to).toEqual([{ group_id: 360001 }]);
    const suspend = planEvent(event({ type: 'lifecycle.access_revoked.v1' }), policy);
    expect(suspend.steps[0]!.reassign_to).toBeUndefined();
  });

  it('leaves out the transfer when no destination is given', () => {
    expect(actions(planEvent(event({ type: 'lifecycle.inactivity.v1' }), defaultPolicy()))).toEqual([
      'downgrade',
    ]);
  });

  it('uses the default plan of each type', () => {
    expect(actions(planEvent(event({ type: 'lifecycle.access_revoked.v1' }), defaultPolicy()))).toEqual([
      'suspend',
    ]);
    expect(actions(planEvent(event({ type: 'lifecycle.license_reclaim.v1' }), defaultPolicy()))).toEqual([
      'downgrade',
    ]);
    expect(actions(planEvent(event({ type: 'lifecycle.rehire.v1' }), defaultPolicy()))).toEqual([
      'unsuspend',
      'restore',
    ]);
  });

  it('follows a plan from the policy file', () => {
    const policy = parsePolicyText(
      JSON.stringify({
        plans: { 'lifecycle.access_revoked.v1': ['suspend', 'deprovision'] },
        allow_irreversible: true,
      }),
    );
    expect(actions(planEvent(event({ type: 'lifecycle.access_revoked.v1' }), policy))).toEqual([
      'suspend',
      'deprovision',
    ]);
  });
});

describe('planning explicit actions', () => {
  it('refuses an action outside the workflow, with the reason', () => {
    const plan = planEvent(
      event({ type: 'lifecycle.access_revoked.v1', actions: ['downgrade'] }),
      defaultPolicy(),
    );
    expect(plan.steps[0]!.refusal).toEqual({
      rule: 'workflow_matrix',
      reason: 'the access_review workflow may not downgrade',
    });
  });
  it('refuses a transfer without a destination', () => {
    const plan = planEvent(
      event({ type: 'lifecycle.offboarding.v1', actions: ['transfer_data'] }),
      defaultPolicy(),
    );
    expect(plan.steps[0]!.refusal?.rule).toBe('missing_destination');
  });
  it('refuses deprovision while irreversible actions are off', () => {
    const plan = planEvent(
      event({ type: 'lifecycle.offboarding.v1', actions: ['deprovision'] }),
      defaultPolicy(),
    );
    expect(plan.steps[0]!.refusal?.rule).toBe('irreversible_disabled');
  });
});

describe('step keys', () => {
  const base = { source: 's', id: '1', type: 'lifecycle.access_revoked.v1' as const };
  const revoked = (overrides: Record<string, unknown> = {}) =>
    ({ ...base, data: { user: { id: 10 }, reason: 'review' }, ...overrides }) as Parameters<
      typeof stepKey
    >[0];

  it('are SHA-256 step keys, stable for the same event and different between steps and events', () => {
    const a = stepKey(revoked(), 0, 'suspend');
    expect(a).toMatch(/^zl-[0-9a-f]{64}$/);
    expect(stepKey(revoked(), 0, 'suspend')).toBe(a);
    expect(stepKey(revoked(), 1, 'suspend')).not.toBe(a);
    expect(stepKey(revoked({ id: '2' }), 0, 'suspend')).not.toBe(a);
    expect(stepKey(revoked(), 0, 'suspend', true)).toMatch(/^zl-dry-[0-9a-f]{64}$/);
  });

  it('differ for an event reusing an id with another type, user or data; key order does not matter', () => {
    const a = stepKey(revoked(), 0, 'suspend');
    expect(stepKey(revoked({ type: 'lifecycle.offboarding.v1' }), 0, 'suspend')).not.toBe(a);
    expect(stepKey(revoked({ data: { user: { id: 11 }, reason: 'review' } }), 0, 'suspend')).not.toBe(a);
    expect(stepKey(revoked({ data: { user: { id: 10 }, reason: 'other' } }), 0, 'suspend')).not.toBe(a);
    expect(stepKey(revoked({ data: { reason: 'review', user: { id: 10 } } }), 0, 'suspend')).toBe(a);
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
  });

  it('file an event reusing an id in the same audit slot, with a different digest', () => {
    const real = planEvent(event({ type: 'lifecycle.access_revoked.v1' }), defaultPolicy());
    const forged = planEvent(
      event({ type: 'lifecycle.access_revoked.v1', user: { id: 11 } }),
      defaultPolicy(),
    );
    expect(forged.steps[0]!.audit_key).toBe(real.steps[0]!.audit_key);
    expect(forged.steps[0]!.audit_key).toMatch(/^zl-[0-9a-f]{64}-0-suspend$/);
    expect(forged.event_digest).not.toBe(real.event_digest);
    expect(forged.steps[0]!.idempotency_key).not.toBe(real.steps[0]!.idempotency_key);
    const dry = planEvent(event({ type: 'lifecycle.access_revoked.v1' }), defaultPolicy(), { dryRun: true });
    expect(dry.steps[0]!.audit_key).not.toBe(real.steps[0]!.audit_key);
  });
});

describe('policy validation', () => {
  it('names every wrong field', () => {
    expect(() =>
      parsePolicy({ plans: { 'lifecycle.offboarding.v1': ['fly'] }, blast_radius: { max_weight: 0 } }),
    ).toThrow(/plans.lifecycle.offboarding.v1.0[\s\S]*blast_radius.max_weight/);
  });
  it('takes an agent or a group as the reassignment target, and nothing else', () => {
    expect(
      parsePolicy({ reassign_assigned_tickets_to: { agent: { email: 'desk@acme.test' } } })
        .reassign_assigned_tickets_to,
    ).toEqual({ agent: { email: 'desk@acme.test' } });
    expect(defaultPolicy().reassign_assigned_tickets_to).toBeNull();
    expect(() => parsePolicy({ reassign_assigned_tickets_to: { agent: {} } })).toThrow(
      /reassign_assigned_tickets_to/,
    );
    expect(() => parsePolicy({ reassign_assigned_tickets_to: { group_id: 0 } })).toThrow(
      /reassign_assigned_tickets_to/,
    );
    expect(() => parsePolicy({ reassign_assigned_tickets_to: { user: 5 } })).toThrow(
      /reassign_assigned_tickets_to/,
    );
  });
  it('rejects a policy that is not JSON', () => {
    expect(() => parsePolicyText('{')).toThrow(/not JSON/);
  });
});
