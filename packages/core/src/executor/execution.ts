// How the execution of a plan ended: every step's report, and whether the caller delivers the event again.
import type { StepError, StepReport } from '../model/index.js';

/** How the plan ended. `retry` and `hold` are not terminal: the consumer delivers the event again later. */
export type Execution =
  | {
      status: 'completed';
      steps: StepReport[];
      /** The Zendesk user acted on, as resolved; null when no user matched (or none was looked up by email). */
      zendesk_user_id: number | null;
      /**
       * Every Zendesk profile the plan looked up or acted on, with how Zendesk names it (a re-hire restored onto a new
       * profile met two). What a re-hire cancels is filed under however the earlier event named the person.
       */
      zendesk_profiles?: Array<{ id: number; email: string | null; external_id: string | null }>;
    }
  | {
      status: 'retry';
      steps: StepReport[];
      /** `retryable: false` when trying again cannot help (e.g. the audit trail refuses the record for good). */
      error: StepError;
      retryAfterMs?: number;
    }
  | { status: 'hold'; steps: StepReport[]; reason: string; retryAfterMs: number };
