// Properties over generated events: nothing outside the matrix, no protected user touched (an admin only when the
// principal may target admins), no irreversible step without its preconditions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, WORKFLOW_OF_TYPE } from '../events/event-types.js';
import { createLifecycleEvent } from '../events/build-event.js';
import { executePlan } from '../executor/execute.js';
import { planEvent } from '../planner/plan.js';
import { defaultPolicy } from '../policy/policy.js';
import { ACTIONS } from '../model/actions.js';
import { MemoryAudit, MemoryZendesk, user } from '../testing/fakes.js';
import { isAllowed } from '../workflows/matrix.js';

const arbitraryEvent = fc.record({
  type: fc.constantFrom(...EVENT_TYPES),
  userId: fc.integer({ min: 1, max: 8 }),
  transferTo: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
  actions: fc.option(fc.uniqueArray(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 5 }), {
    nil: undefined,
  }),
  irreversible: fc.boolean(),
  mayTargetAdmins: fc.option(fc.boolean(), { nil: undefined }),
});

describe('safety properties', () => {
  it('no event produces an executed step outside the workflow matrix, on a protected user, or an unguarded deprovision', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryEvent, async (input) => {
        const zendesk = new MemoryZendesk([
          user({ id: 1, is_account_owner: true }),
          user({ id: 2 }),
          user({ id: 3, email: 'vip@acme.test' }),
          user({ id: 4, suspended: true }),
          user({ id: 5, role: 'end-user' }),
          user({ id: 6 }),
          user({ id: 7 }),
          user({ id: 8, role: 'admin', role_type: 4 }),
        ]);
        const event = createLifecycleEvent({
          type: input.type,
          source: 'prop',
          user: { id: input.userId },
          ...(input.transferTo ? { transfer_to: { id: input.transferTo } } : {}),
          ...(input.actions ? { actions: input.actions } : {}),
        });
        const plan = {
          ...planEvent(event, defaultPolicy(), { allowIrreversible: input.irreversible }),
          ...(input.mayTargetAdmins === undefined
            ? {}
            : { principal: { authtype: 'app', authid: 'prop', may_target_admins: input.mayTargetAdmins } }),
        };
        const execution = await executePlan(plan, {
          zendesk,
          audit: new MemoryAudit(),
          protectedUsers: { ids: [], emails: ['vip@acme.test'], external_ids: [], account_owner_id: 1 },
        });
        const workflow = WORKFLOW_OF_TYPE[input.type];
        for (const call of zendesk.calls) {
          const action = call.split(':')[0] as (typeof ACTIONS)[number];
          expect(isAllowed(action, workflow)).toBe(true);
          expect([1, 3]).not.toContain(input.userId);
          if (input.userId === 8) expect(input.mayTargetAdmins).toBe(true);
          if (action === 'deprovision') {
            expect(input.irreversible).toBe(true);
            const transferIndex = plan.steps.findIndex((s) => s.action === 'transfer_data');
            const deprovisionIndex = plan.steps.findIndex((s) => s.action === 'deprovision');
            if (transferIndex >= 0 && transferIndex < deprovisionIndex) {
              expect(['succeeded', 'already_done']).toContain(execution.steps[transferIndex]!.outcome);
            }
          }
        }
        expect(execution.status).toBe('completed');
        expect(execution.steps).toHaveLength(plan.steps.length);
      }),
      { numRuns: 300 },
    );
  });
});
