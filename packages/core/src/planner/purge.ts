// The permanent delete that follows a soft delete after the policy's grace period: a plan of one `purge` step,
// derived from the event whose deprovision soft-deleted the user, with a step key of its own derived from the
// deprovision step's (so it is recalled, audited and cancelled on its own, exactly once).
import { sha256Hex } from '../hash/sha256.js';
import { isAllowed, refusalReason } from '../workflows/matrix.js';
import type { Plan, PlannedStep } from './plan.js';
import { auditKey } from './step-identity.js';

/** The deprovision step of a plan that soft-deletes now and purges later, if there is one. */
export function deferredPurgeOf(plan: Plan): PlannedStep | undefined {
  return plan.steps.find((s) => s.action === 'deprovision' && s.purge_after_days !== undefined);
}

/** The key of the purge step that follows `deprovision`: `zl-<sha256 of the deprovision key and "purge">`. */
export function purgeStepKey(deprovision: Pick<PlannedStep, 'idempotency_key'>): string {
  const dry = deprovision.idempotency_key.startsWith('zl-dry-');
  return `${dry ? 'zl-dry-' : 'zl-'}${sha256Hex(`${deprovision.idempotency_key}\npurge`)}`;
}

/** Options of the purge plan (a soft-deleted user's permanent delete, later). */
export interface PurgePlanOptions {
  /** The Zendesk id the soft delete acted on: the purge looks the user up by it (deleted users included). */
  zendeskUserId?: number | null;
  /** Irreversible actions still allowed (the policy or ALLOW_IRREVERSIBLE, as now). */
  allowIrreversible: boolean;
}

/**
 * The purge plan for `plan` (the original event's plan as planned now): one step that permanently deletes the
 * user soft-deleted by the plan's deprovision step. Refused when the policy no longer allows irreversible
 * actions, or the workflow may not purge; undefined when the plan has no deprovision step.
 */
export function purgePlanOf(plan: Plan, options: PurgePlanOptions): Plan | undefined {
  const deprovision = plan.steps.find((s) => s.action === 'deprovision');
  if (!deprovision) return undefined;
  const refusal = !isAllowed('purge', plan.workflow)
    ? { rule: 'workflow_matrix' as const, reason: refusalReason('purge', plan.workflow) }
    : !options.allowIrreversible
      ? {
          rule: 'irreversible_disabled' as const,
          reason: 'the scheduled purge deletes data for good and irreversible actions are off now',
        }
      : undefined;
  const step: PlannedStep = {
    index: deprovision.index,
    action: 'purge',
    idempotency_key: purgeStepKey(deprovision),
    audit_key: auditKey(plan.event, deprovision.index, 'purge', plan.dry_run),
    requires: [],
    ...(refusal ? { refusal } : {}),
  };
  const id = options.zendeskUserId;
  return {
    ...plan,
    user: typeof id === 'number' ? { id } : plan.user,
    steps: [step],
  };
}
