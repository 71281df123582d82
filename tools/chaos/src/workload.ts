// A stream of lifecycle events with a known end state: each chosen user gets one event, so the final Zendesk
// state of every user can be predicted, plus a share of invalid events that must end in the dead-letter topic.
import { createLifecycleEvent, type EventType, type LifecycleEvent } from '@zendesk-lifecycle/core';

export interface AgentFacts {
  id: number;
  email: string;
  role: string;
  suspended: boolean;
}

export type ExpectedState = 'suspended' | 'end-user' | 'deleted' | 'active';

export interface Workload {
  events: LifecycleEvent[];
  /** Raw records that are not valid events (must be dead-lettered), by a made-up id in their value. */
  invalid: Array<{ id: string; value: string }>;
  expected: Map<number, ExpectedState>;
  /** Zendesk state-changing requests each user must see exactly once. */
  expectedActions: Map<number, string>;
  /**
   * Re-hires, by user id: each of these deprovisioned users is re-hired inside the grace period (the harness
   * publishes the event once the soft delete is seen), so the waiting purge is cancelled and the user stays
   * soft-deleted.
   */
  rehires: Map<number, LifecycleEvent>;
}

const PLAN: Array<{ type: EventType; state: ExpectedState; action: string }> = [
  { type: 'lifecycle.access_revoked.v1', state: 'suspended', action: 'suspend' },
  { type: 'lifecycle.license_reclaim.v1', state: 'end-user', action: 'downgrade' },
  { type: 'lifecycle.offboarding.v1', state: 'deleted', action: 'deprovision' },
];

/**
 * One event per agent (round-robin over the plans), and `invalidEvery`th record invalid; with `rehireEvery`, every
 * so many deprovisioned agents (the first one included) a re-hire too.
 */
export function buildWorkload(
  agents: AgentFacts[],
  options: { invalidEvery: number; runId: string; rehireEvery?: number },
): Workload {
  const workload: Workload = {
    events: [],
    invalid: [],
    expected: new Map(),
    expectedActions: new Map(),
    rehires: new Map(),
  };
  let deprovisions = 0;
  agents.forEach((agent, i) => {
    const plan = PLAN[i % PLAN.length]!;
    const actions = plan.type === 'lifecycle.offboarding.v1' ? { actions: ['deprovision' as const] } : {};
    workload.events.push(
      createLifecycleEvent({
        type: plan.type,
        source: `chaos/${options.runId}`,
        id: `${options.runId}-${i}`,
        user: { id: agent.id },
        reason: 'chaos test',
        ...actions,
      }),
    );
    if (plan.state === 'deleted' && options.rehireEvery && deprovisions++ % options.rehireEvery === 0)
      workload.rehires.set(
        agent.id,
        createLifecycleEvent({
          type: 'lifecycle.rehire.v1',
          source: `chaos/${options.runId}`,
          id: `${options.runId}-${i}-rehire`,
          user: { id: agent.id },
          reason: 'chaos test: back inside the grace period',
        }),
      );
    workload.expected.set(agent.id, plan.state);
    workload.expectedActions.set(agent.id, plan.action);
    if (options.invalidEvery > 0 && i % options.invalidEvery === 0) {
      const id = `${options.runId}-invalid-${i}`;
      workload.invalid.push({
        id,
        value: JSON.stringify({
          specversion: '1.0',
          id,
          source: 'chaos',
          type: 'lifecycle.unknown.v1',
          data: {},
        }),
      });
    }
  });
  return workload;
}
