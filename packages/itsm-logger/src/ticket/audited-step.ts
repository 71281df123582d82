// What an audit ticket records: a step's outcome, or a step still in progress (opened before an irreversible
// action, completed with its outcome afterwards).
import type { Outcome, StepOutcome, StepStart } from '@zendesk-lifecycle/core';

/** `in_progress`: the ticket was opened before the action; recall never takes it for done. */
export type TicketOutcome = Outcome | 'in_progress';

/** A step outcome, or a step that is being acted on. */
export type AuditedStep = Omit<StepOutcome, 'outcome'> & { outcome: TicketOutcome };

/** The step about to act, as its in-progress ticket records it. */
export function inProgress(start: StepStart): AuditedStep {
  return { ...start, outcome: 'in_progress' };
}
