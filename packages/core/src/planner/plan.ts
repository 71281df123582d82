// From an event and the policy to an ordered plan: which actions, in which order, with which preconditions,
// and a stable idempotency key per step so that a redelivered event names the same steps again.
import type { EventType } from '../events/event-types.js';
import { WORKFLOW_OF_TYPE } from '../events/event-types.js';
import type { LifecycleEvent } from '../events/schemas.js';
import { planOf, reassignTargetOf, type Policy } from '../policy/policy.js';
import { planPrincipalOf } from '../policy/principals.js';
import type { ActionName, AssigneeTarget, Refusal, UserRef, WorkflowOf } from '../model/index.js';
import { isAllowed, refusalReason } from '../workflows/matrix.js';
import { auditKey, eventDigest, stepKey } from './step-identity.js';

export { auditKey, eventDigest, stepKey } from './step-identity.js';

/** One step of a plan: the action, its keys and options. */
export interface PlannedStep {
  index: number;
  action: ActionName;
  /** SHA-256 over the event (source, id, type, user, data digest) and the step: see planner/step-identity.ts. */
  idempotency_key: string;
  /** Where the audit trail files the step (source, id and step only), to find an earlier record of this id. */
  audit_key: string;
  /** Steps (by index) that must have succeeded before this one may run. */
  requires: number[];
  /** Set when the plan already knows the step may not run; it is audited as refused. */
  refusal?: Refusal;
  /** For deprovision: also delete permanently after the soft delete. */
  permanent?: boolean;
  /**
   * For a deprovision that soft-deletes only: the permanent delete (a `purge` step, planner/purge.ts) is to be
   * scheduled this many days after the soft delete (the policy's purge_after_days).
   */
  purge_after_days?: number;
  /**
   * For downgrade and deprovision: who takes over the user's open assigned tickets, first usable wins (the
   * transfer destination when it is an agent, then the policy's `reassign_assigned_tickets_to`).
   */
  reassign_to?: AssigneeTarget[];
  /** Why the step differs from what was asked (e.g. suspend instead of deprovision). */
  note?: string;
}

/** What an event means in Zendesk actions: the workflow, the user, the steps in order; pure data. */
export interface Plan {
  event: LifecycleEvent;
  type: EventType;
  workflow: WorkflowOf;
  user: UserRef;
  transfer_to: UserRef | null;
  /** Where the actions came from: the event's own list, or the policy. */
  origin: 'event' | 'policy';
  dry_run: boolean;
  /** The event's digest (planner/step-identity.ts), recorded with every step so recall can tell impostors. */
  event_digest: string;
  steps: PlannedStep[];
  /** Who asked (the authenticated principal), when known; its rights decide whether admins may be targeted. */
  principal?: { authtype: string; authid: string; may_target_admins: boolean } | null;
}

/** Options of `planEvent`: dry run, irreversible actions allowed, the principal. */
export interface PlanOptions {
  dryRun?: boolean;
  /** Permanent deletion permitted (ALLOW_IRREVERSIBLE or the policy's allow_irreversible). */
  allowIrreversible?: boolean;
}

/** Policy plans adapt to the event; an event's explicit list is taken as asked (and refused where needed). */
function actionsFor(
  event: LifecycleEvent,
  policy: Policy,
  irreversible: boolean,
): Array<{ action: ActionName; note?: string }> {
  if (event.data.actions) return event.data.actions.map((action) => ({ action }));
  const out: Array<{ action: ActionName; note?: string }> = [];
  for (const action of planOf(policy, event.type)) {
    if (action === 'transfer_data' && !event.data.transfer_to) continue;
    if (action === 'deprovision' && !irreversible) {
      if (!out.some((s) => s.action === 'suspend')) {
        out.push({
          action: 'suspend',
          note: 'suspended instead of deprovisioned: irreversible actions are off',
        });
      }
      continue;
    }
    if (!out.some((s) => s.action === action)) out.push({ action });
  }
  return out;
}

function refusalOf(
  action: ActionName,
  plan: Pick<Plan, 'workflow' | 'transfer_to'>,
  irreversible: boolean,
): Refusal | undefined {
  if (!isAllowed(action, plan.workflow))
    return { rule: 'workflow_matrix', reason: refusalReason(action, plan.workflow) };
  if (action === 'transfer_data' && !plan.transfer_to) {
    return {
      rule: 'missing_destination',
      reason: 'transfer data needs a destination user in data.transfer_to',
    };
  }
  if ((action === 'deprovision' || action === 'purge') && !irreversible) {
    return {
      rule: 'irreversible_disabled',
      reason: `${action} deletes data for good and irreversible actions are off`,
    };
  }
  return undefined;
}

/** Permanent at once, or soft delete now and a purge after the policy's grace period. */
function deprovisionMode(
  policy: Policy,
  irreversible: boolean,
): Pick<PlannedStep, 'permanent' | 'purge_after_days'> {
  if (!irreversible || policy.purge_after_days === 0) return { permanent: irreversible };
  return { permanent: false, purge_after_days: policy.purge_after_days };
}

/** Plans an event under a policy: which actions, in which order, with which keys. Pure: nothing is called. */
export function planEvent(event: LifecycleEvent, policy: Policy, options: PlanOptions = {}): Plan {
  const irreversible = options.allowIrreversible ?? policy.allow_irreversible;
  const base = {
    event,
    type: event.type,
    workflow: WORKFLOW_OF_TYPE[event.type],
    user: event.data.user,
    transfer_to: event.data.transfer_to ?? null,
    origin: event.data.actions ? ('event' as const) : ('policy' as const),
    dry_run: options.dryRun ?? policy.dry_run,
    principal: planPrincipalOf(policy, event),
    event_digest: eventDigest(event),
  };
  const fallback = reassignTargetOf(policy);
  const reassignTo: AssigneeTarget[] = [
    ...(base.transfer_to ? [{ agent: base.transfer_to }] : []),
    ...(fallback ? [fallback] : []),
  ];
  const steps = actionsFor(event, policy, irreversible).map(({ action, note }, index, all): PlannedStep => {
    const destructive = action === 'deprovision' || action === 'downgrade';
    const requires = destructive
      ? all.flatMap((s, i) => (i < index && s.action === 'transfer_data' ? [i] : []))
      : [];
    const refusal = refusalOf(action, base, irreversible);
    return {
      index,
      action,
      idempotency_key: stepKey(event, index, action, base.dry_run),
      audit_key: auditKey(event, index, action, base.dry_run),
      requires,
      ...(refusal ? { refusal } : {}),
      ...(action === 'deprovision' ? deprovisionMode(policy, irreversible) : {}),
      ...(destructive ? { reassign_to: reassignTo } : {}),
      ...(note ? { note } : {}),
    };
  });
  return { ...base, steps };
}
