// What one executed step reports back to the caller, and (without its idempotency key) into the result event.
import { z } from 'zod';
import { ACTIONS } from './actions.js';
import { OUTCOMES, refusalSchema, stepErrorSchema } from './outcomes.js';

/** One step of an executed plan, as the result event reports it (zod schema of StepReport). */
export const stepReportSchema = z.object({
  index: z.number().int(),
  action: z.enum(ACTIONS),
  idempotency_key: z.string(),
  outcome: z.enum(OUTCOMES),
  audit_ticket_id: z.number().int().nullable(),
  /** true when the outcome was found in the audit trail of an earlier delivery, not acted on again. */
  recalled: z.boolean(),
  detail: z.string().optional(),
  refusal: refusalSchema.optional(),
  error: stepErrorSchema.optional(),
  started_at: z.string(),
  finished_at: z.string(),
  duration_ms: z.number(),
});
/** One step of an executed plan, as the result event reports it. */
export type StepReport = z.infer<typeof stepReportSchema>;
