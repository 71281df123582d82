// Undo through the executor with core's fakes: a re-hire puts back the state recorded before the offboarding.
import { describe, expect, it } from 'vitest';
import { createLifecycleEvent } from '../events/build-event.js';
import { planEvent } from '../planner/plan.js';
import { defaultPolicy } from '../policy/policy.js';
import { MemoryAudit, MemoryZendesk, user } from '../testing/fakes.js';
import { executePlan, type ExecuteOptions } from './execute.js';

const noProtection = { ids: [], emails: [], external_ids: [] };

function world() {
  const zendesk = new MemoryZendesk([user({ id: 10, custom_role_id: 360_042 }), user({ id: 2 })]);
  zendesk.groups.set(10, [7, 3]);
  const audit = new MemoryAudit();
  const options: ExecuteOptions = { zendesk, audit, protectedUsers: noProtection };
  const run = (type: 'lifecycle.offboarding.v1' | 'lifecycle.rehire.v1', id: string) =>
    executePlan(
      planEvent(createLifecycleEvent({ source: 'test', user: { id: 10 }, id, type }), defaultPolicy(), {
        allowIrreversible: false,
      }),
      options,
    );
  return { zendesk, audit, run };
}

describe('restore (undo)', () => {
  it('a re-hire unsuspends, then restores role, custom role and groups as they were before the offboarding', async () => {
    const { zendesk, audit, run } = world();
    expect((await run('lifecycle.offboarding.v1', 'off-1')).status).toBe('completed');
    expect(zendesk.users.get(10)).toMatchObject({ role: 'end-user', suspended: true });
    expect(zendesk.groups.get(10)).toBeUndefined();
    const rehire = await run('lifecycle.rehire.v1', 'back-1');
    expect(rehire.steps.map((s) => [s.action, s.outcome])).toEqual([
      ['unsuspend', 'succeeded'],
      ['restore', 'succeeded'],
    ]);
    expect(zendesk.users.get(10)).toMatchObject({ role: 'agent', custom_role_id: 360_042, suspended: false });
    expect(zendesk.groups.get(10)).toEqual([3, 7]);
    // Audited as its own step: the record says what was restored, before and after.
    const record = [...audit.tickets.values()].find((t) => t.outcome.step.action === 'restore')!;
    expect(record.outcome).toMatchObject({
      outcome: 'succeeded',
      before: { role: 'end-user', group_ids: [] },
      after: { role: 'agent', custom_role_id: 360_042, group_ids: [3, 7] },
    });
    expect(record.outcome.detail).toContain('custom role 360042');
    // Another re-hire finds everything as recorded.
    const again = await run('lifecycle.rehire.v1', 'back-2');
    expect(again.steps.map((s) => s.outcome)).toEqual(['already_done', 'already_done']);
  });

  it('refuses with a reason when an end user has nothing recorded to go back to (no_prior_state)', async () => {
    const { zendesk, run } = world();
    zendesk.users.set(10, user({ id: 10, role: 'end-user', role_type: null, suspended: true }));
    const rehire = await run('lifecycle.rehire.v1', 'back-1');
    expect(rehire.steps[1]).toMatchObject({
      action: 'restore',
      outcome: 'refused',
      refusal: { rule: 'no_prior_state' },
    });
    expect(rehire.steps[1]!.refusal!.reason).toMatch(/search index/);
    expect(zendesk.calls).not.toContain('restore:10');
  });

  it('has nothing to restore for an agent with no recorded change (suspended by hand): already done', async () => {
    const { zendesk, run } = world();
    zendesk.users.set(10, user({ id: 10, suspended: true }));
    const rehire = await run('lifecycle.rehire.v1', 'back-1');
    expect(rehire.steps.map((s) => [s.action, s.outcome])).toEqual([
      ['unsuspend', 'succeeded'],
      ['restore', 'already_done'],
    ]);
    expect(rehire.steps[1]!.detail).toMatch(/no recorded lifecycle change/);
    expect(zendesk.calls).not.toContain('restore:10');
  });

  it('refuses when no agent seat is free (no_free_seat)', async () => {
    const { zendesk, run } = world();
    await run('lifecycle.offboarding.v1', 'off-1');
    zendesk.freeAgentSeats = 0;
    const rehire = await run('lifecycle.rehire.v1', 'back-1');
    expect(rehire.steps[1]).toMatchObject({ outcome: 'refused', refusal: { rule: 'no_free_seat' } });
    expect(rehire.steps[1]!.refusal!.reason).toMatch(/seat/);
    expect(zendesk.users.get(10)?.role).toBe('end-user');
  });

  it('a re-hire after a soft delete restores onto a new profile (Zendesk cannot undelete), found again next time', async () => {
    const { zendesk, audit } = world();
    const run = (type: 'lifecycle.offboarding.v1' | 'lifecycle.rehire.v1', id: string, ref: object) =>
      executePlan(
        planEvent(createLifecycleEvent({ source: 'test', user: ref, id, type }), defaultPolicy(), {
          allowIrreversible: true,
        }),
        { zendesk, audit, protectedUsers: noProtection },
      );
    const off = await run('lifecycle.offboarding.v1', 'off-1', { id: 10 });
    expect(off.steps.at(-1)).toMatchObject({ action: 'deprovision', outcome: 'succeeded' });
    expect(zendesk.users.get(10)?.active).toBe(false);
    const rehire = await run('lifecycle.rehire.v1', 'back-1', { id: 10 });
    expect(rehire.steps.map((s) => [s.action, s.outcome])).toEqual([
      ['unsuspend', 'already_done'],
      ['restore', 'succeeded'],
    ]);
    const fresh = [...zendesk.users.values()].find(
      (u) => u.active && u.email === zendesk.users.get(10)!.email,
    )!;
    expect(fresh.id).not.toBe(10);
    expect(fresh).toMatchObject({ role: 'agent', custom_role_id: 360_042, suspended: false });
    expect(zendesk.groups.get(fresh.id)).toEqual([3, 7]);
    expect(rehire).toMatchObject({ status: 'completed', zendesk_user_id: fresh.id });
    // Named by email, the next re-hire finds the new profile and reads the state recorded under the old one.
    const again = await run('lifecycle.rehire.v1', 'back-2', { email: fresh.email! });
    expect(again.steps.map((s) => s.outcome)).toEqual(['already_done', 'already_done']);
    expect([...zendesk.users.values()].filter((u) => u.active && u.email === fresh.email)).toHaveLength(1);
  });

  it('refuses (no_prior_state) for a deleted user with nothing recorded, whatever role its record shows', async () => {
    const { zendesk, run } = world();
    zendesk.users.set(10, user({ id: 10, custom_role_id: 360_042, active: false }));
    const rehire = await run('lifecycle.rehire.v1', 'back-1');
    expect(rehire.steps[1]).toMatchObject({ outcome: 'refused', refusal: { rule: 'no_prior_state' } });
    expect([...zendesk.users.values()].filter((u) => u.active)).toHaveLength(1);
  });

  it("opens a soft delete's in-progress record with the groups it ends (what a re-hire gives back)", async () => {
    const { zendesk, audit } = world();
    const started: Array<number[] | undefined> = [];
    const begin = audit.begin.bind(audit);
    audit.begin = (start) => {
      started.push(start.before?.group_ids);
      return begin(start);
    };
    const event = createLifecycleEvent({
      source: 'test',
      user: { id: 10 },
      id: 'off-1',
      type: 'lifecycle.offboarding.v1',
      actions: ['deprovision'],
    });
    const off = await executePlan(planEvent(event, defaultPolicy(), { allowIrreversible: true }), {
      zendesk,
      audit,
      protectedUsers: noProtection,
    });
    expect(off.steps).toMatchObject([{ action: 'deprovision', outcome: 'succeeded' }]);
    expect(started).toEqual([[3, 7]]);
  });
});
