// The ticket subject: what an auditor scans in a view. Action, user, workflow, outcome, in that order.
import type { UserRef } from '@zendesk-lifecycle/core';
import { actedOnUser } from './describe-user.js';
import { oneLine } from './untrusted-text.js';
import type { AuditedStep } from './audited-step.js';

function refLabel(ref: UserRef): string {
  if (ref.email !== undefined) return `${oneLine(ref.email, 100)} (not found)`;
  if (ref.id !== undefined) return `#${ref.id} (not found)`;
  if (ref.external_id !== undefined) return `external id ${oneLine(ref.external_id, 60)} (not found)`;
  return 'unknown user';
}

function userLabel(outcome: AuditedStep): string {
  const user = actedOnUser(outcome);
  if (user === null) return refLabel(outcome.user_ref);
  const email = user.email === null ? '' : ` <${oneLine(user.email, 100)}>`;
  return `${oneLine(user.name, 60)}${email} #${user.id}`;
}

/** e.g. "Audit: suspend · Jane Doe <jane@acme.test> #123 · access_review · succeeded". */
export function auditSubject(outcome: AuditedStep): string {
  const parts = [
    `Audit: ${outcome.step.action}`,
    userLabel(outcome),
    outcome.workflow,
    outcome.outcome.replace('_', ' '),
  ];
  if (outcome.dry_run) parts.push('dry run');
  return parts.join(' · ');
}
