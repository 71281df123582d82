// The result event: one per lifecycle event, on the results topic, saying what each step ended as. Its schema is
// built from the model's, so a word means the same here as in the executor and the audit trail.
import { z } from 'zod';
import { RESULT_EVENT_TYPE } from '../events/event-types.js';
import { userKey } from '../events/user-key.js';
import type { Execution } from '../executor/execution.js';
import {
  ACTIONS,
  principalRefSchema,
  stepReportSchema,
  workflowOfSchema,
  type StepReport,
} from '../model/index.js';
import { principalRefOf } from '../policy/principals.js';
import type { Plan } from '../planner/plan.js';

const resultDataSchema = z.object({
  source_event: z.object({ id: z.string(), source: z.string(), type: z.string() }),
  /**
   * The Zendesk user the event acted on, as resolved by the service (read this, not the subject); null when no
   * user matched, or when the event named the user by email or external id and every step was recalled from the
   * audit trail of an earlier delivery without looking the user up again. Results written before this field
   * existed read as null.
   */
  zendesk_user_id: z.number().int().nullable().default(null),
  /** Who sent the event (its authcontext); null for a direct Kafka publisher and for results written before. */
  principal: principalRefSchema.nullable().default(null),
  workflow: workflowOfSchema.shape.workflow,
  workflow_variant: workflowOfSchema.shape.variant,
  dry_run: z.boolean(),
  plan: z.array(z.enum(ACTIONS)),
  /**
   * completed: every step succeeded or was already done; planned: a dry run, nothing was done (every step would
   * have run); otherwise the worst outcome wins.
   */
  status: z.enum(['completed', 'refused', 'failed', 'planned', 'scheduled', 'cancelled']),
  /**
   * scheduled: when the event's steps are due (its effective_at); completed with a soft delete that waits for its
   * purge: when the purge is due. Absent otherwise.
   */
  scheduled_for: z.string().optional(),
  steps: z.array(stepReportSchema.omit({ idempotency_key: true })),
  started_at: z.string(),
  finished_at: z.string(),
  duration_ms: z.number(),
});

/** The result event's zod schema (one per lifecycle event, on the results topic). */
export const resultEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string(),
  source: z.string(),
  type: z.literal(RESULT_EVENT_TYPE),
  time: z.string(),
  subject: z.string(),
  datacontenttype: z.literal('application/json'),
  data: resultDataSchema,
});

/** The result event the consumer publishes per lifecycle event: status and every step. */
export type ResultEvent = z.infer<typeof resultEventSchema>;

function statusOf(steps: StepReport[], dryRun: boolean): ResultEvent['data']['status'] {
  if (steps.some((s) => s.outcome === 'failed')) return 'failed';
  if (steps.some((s) => s.outcome === 'refused')) return 'refused';
  if (steps.some((s) => s.outcome === 'cancelled')) return 'cancelled';
  return dryRun ? 'planned' : 'completed';
}

/** The result event of a completed execution. Its id is derived from the source event's, so a replay repeats it. */
export function buildResultEvent(
  plan: Plan,
  execution: Extract<Execution, { status: 'completed' }>,
  options: { source: string; startedAt: Date; finishedAt: Date; scheduledFor?: Date },
): ResultEvent {
  const { event } = plan;
  return {
    specversion: '1.0',
    id: `result:${event.source}:${event.id}`,
    source: options.source,
    type: RESULT_EVENT_TYPE,
    time: options.finishedAt.toISOString(),
    subject: userKey(plan.user),
    datacontenttype: 'application/json',
    data: {
      source_event: { id: event.id, source: event.source, type: event.type },
      zendesk_user_id: execution.zendesk_user_id,
      principal: principalRefOf(event),
      workflow: plan.workflow.workflow,
      workflow_variant: plan.workflow.variant,
      dry_run: plan.dry_run,
      plan: plan.steps.map((s) => s.action),
      status: statusOf(execution.steps, plan.dry_run),
      steps: execution.steps.map(({ idempotency_key: _key, ...step }) => step),
      started_at: options.startedAt.toISOString(),
      finished_at: options.finishedAt.toISOString(),
      duration_ms: options.finishedAt.getTime() - options.startedAt.getTime(),
      ...(options.scheduledFor ? { scheduled_for: options.scheduledFor.toISOString() } : {}),
    },
  };
}

/** The result of an event that waits for its effective time: nothing done yet, every step due at `dueAt`. */
export function buildScheduledResult(
  plan: Plan,
  options: { source: string; now: Date; dueAt: Date },
): ResultEvent {
  const result = buildResultEvent(
    plan,
    { status: 'completed', steps: [], zendesk_user_id: plan.user.id ?? null },
    { source: options.source, startedAt: options.now, finishedAt: options.now, scheduledFor: options.dueAt },
  );
  return { ...result, id: `${result.id}:scheduled`, data: { ...result.data, status: 'scheduled' } };
}
