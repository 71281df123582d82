// What one executed step reports back to the caller (and into the result event).
import type { Outcome } from '../ports/audit-port.js';
import type { ActionName } from '../ports/zendesk-port.js';
import type { Refusal } from '../planner/plan.js';

export interface StepReport {
  index: number;
  action: ActionName;
  idempotency_key: string;
  outcome: Outcome;
  audit_ticket_id: number | null;
  /** true when the outcome was found in the audit trail of an earlier delivery, not acted on again. */
  recalled: boolean;
  detail?: string;
  refusal?: Refusal;
  error?: { code: string; message: string; retryable: boolean };
  started_at: string;
  finished_at: string;
  duration_ms: number;
}

/** How the plan ended. `retry` and `hold` are not terminal: the consumer delivers the event again later. */
export type Execution =
  | { status: 'completed'; steps: StepReport[] }
  | {
      status: 'retry';
      steps: StepReport[];
      /** `retryable: false` when trying again cannot help (e.g. the audit trail refuses the record for good). */
      error: { code: string; message: string; retryable: boolean };
      retryAfterMs?: number;
    }
  | { status: 'hold'; steps: StepReport[]; reason: string; retryAfterMs: number };

export const isSuccess = (outcome: Outcome) => outcome === 'succeeded' || outcome === 'already_done';
