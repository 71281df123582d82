// The result event: one per lifecycle event, on the results topic, saying what each step ended as.
import { z } from 'zod';
import { ACTIONS } from '../ports/zendesk-port.js';
import { RESULT_EVENT_TYPE } from '../events/event-types.js';
import { userKey } from '../events/user-key.js';
import type { Execution, StepReport } from '../executor/step-report.js';
import type { Plan } from '../planner/plan.js';

const outcomeSchema = z.enum(['succeeded', 'already_done', 'refused', 'failed']);

export const resultDataSchema = z.object({
  source_event: z.object({ id: z.string(), source: z.string(), type: z.string() }),
  workflow: z.string(),
  workflow_variant: z.string().nullable(),
  dry_run: z.boolean(),
  plan: z.array(z.enum(ACTIONS)),
  /** completed: every step succeeded or was already done; otherwise the worst outcome wins. */
  status: z.enum(['completed', 'refused', 'failed']),
  steps: z.array(
    z.object({
      index: z.number().int(),
      action: z.enum(ACTIONS),
      outcome: outcomeSchema,
      audit_ticket_id: z.number().int().nullable(),
      recalled: z.boolean(),
      detail: z.string().optional(),
      refusal: z.object({ rule: z.string(), reason: z.string() }).optional(),
      error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }).optional(),
      started_at: z.string(),
      finished_at: z.string(),
      duration_ms: z.number(),
    }),
  ),
  started_at: z.string(),
  finished_at: z.string(),
  duration_ms: z.number(),
});

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

export type ResultEvent = z.infer<typeof resultEventSchema>;

function statusOf(steps: StepReport[]): ResultEvent['data']['status'] {
  if (steps.some((s) => s.outcome === 'failed')) return 'failed';
  if (steps.some((s) => s.outcome === 'refused')) return 'refused';
  return 'completed';
}

/** The result event of a completed execution. Its id is derived from the source event's, so a replay repeats it. */
export function buildResultEvent(
  plan: Plan,
  execution: Extract<Execution, { status: 'completed' }>,
  options: { source: string; startedAt: Date; finishedAt: Date },
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
      workflow: plan.workflow.workflow,
      workflow_variant: plan.workflow.variant,
      dry_run: plan.dry_run,
      plan: plan.steps.map((s) => s.action),
      status: statusOf(execution.steps),
      steps: execution.steps.map(({ idempotency_key: _key, ...step }) => step),
      started_at: options.startedAt.toISOString(),
      finished_at: options.finishedAt.toISOString(),
      duration_ms: options.finishedAt.getTime() - options.startedAt.getTime(),
    },
  };
}
