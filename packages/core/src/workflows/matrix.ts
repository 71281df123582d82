// Which workflow may run which action (the matrix in the root README). Anything outside the matrix is refused with a reason.
import type { ActionName, WorkflowName, WorkflowOf } from '../model/index.js';

type Rule = boolean | ((variant: WorkflowOf['variant']) => boolean);

const MATRIX: Record<ActionName, Record<WorkflowName, Rule>> = {
  downgrade: { offboarding: true, access_review: false, license_management: true },
  suspend: { offboarding: true, access_review: true, license_management: true },
  deprovision: { offboarding: true, access_review: true, license_management: true },
  transfer_data: { offboarding: true, access_review: false, license_management: (v) => v === 'inactivity' },
  // Undoing a suspension: a re-hire (offboarding reversal) or an overturned access review.
  unsuspend: { offboarding: (v) => v === 'reversal', access_review: true, license_management: false },
  // The permanent delete after a soft delete's grace period: wherever deprovision is allowed.
  purge: { offboarding: true, access_review: true, license_management: true },
  // Undo (role, custom role, groups back as recorded): the same reversals as unsuspend.
  restore: { offboarding: (v) => v === 'reversal', access_review: true, license_management: false },
};

export function isAllowed(action: ActionName, workflow: WorkflowOf): boolean {
  const rule = MATRIX[action][workflow.workflow];
  return typeof rule === 'function' ? rule(workflow.variant) : rule;
}

/** The sentence an auditor reads when the matrix refuses an action. */
export function refusalReason(action: ActionName, workflow: WorkflowOf): string {
  const name = workflow.variant ? `${workflow.workflow} (${workflow.variant})` : workflow.workflow;
  if (action === 'transfer_data' && workflow.workflow === 'license_management') {
    return 'licence management may transfer data only in an inactivity workflow';
  }
  return `the ${name} workflow may not ${action.replace('_', ' ')}`;
}
