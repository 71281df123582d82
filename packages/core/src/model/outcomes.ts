// What became of a step: its outcome, why it was refused or failed, and the facts an audit record holds.
import { z } from 'zod';
import { ACTIONS, actionReportSchema, reassignReportSchema, transferReportSchema } from './actions.js';
import { ERROR_CODES, REFUSAL_RULES } from './codes.js';
import { userRefSchema, userSnapshotSchema } from './users.js';
import { WORKFLOWS } from './workflows.js';

/**
 * `planned`: a dry run's "would do"; it never counts as done for a live run. `cancelled`: a step that waited
 * (an effective date, a purge after the grace period) and was called off by a later re-hire of the user.
 */
export const OUTCOMES = ['succeeded', 'already_done', 'refused', 'failed', 'planned', 'cancelled'] as const;
/** How a step ended (succeeded, already done, refused, failed, planned, cancelled, ...). */
export type Outcome = (typeof OUTCOMES)[number];

/** Done in Zendesk: a planned (dry-run) step is not. */
export const isSuccess = (outcome: Outcome) => outcome === 'succeeded' || outcome === 'already_done';

/** Why a step was refused: the rule that stopped it and a sentence for people (what to do about it). */
export const refusalSchema = z.object({ rule: z.enum(REFUSAL_RULES), reason: z.string() });
/** Why a step was refused: the rule and its words. */
export type Refusal = z.infer<typeof refusalSchema>;

/** Why a step failed: a searchable code, a sentence, and whether trying again may help. */
export const stepErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  retryable: z.boolean(),
});
/** Why a step failed: code, message, whether a retry can help. */
export type StepError = z.infer<typeof stepErrorSchema>;

/** The principal that sent an event, as its CloudEvents authcontext names it. */
export const principalRefSchema = z.object({ authtype: z.string(), authid: z.string() });
export type PrincipalRef = z.infer<typeof principalRefSchema>;

/** The event facts an auditor needs, copied from the CloudEvent. */
export const auditedEventSchema = z.object({
  id: z.string(),
  type: z.string(),
  source: z.string(),
  time: z.string().nullable(),
  subject: z.string().nullable(),
  reason: z.string().nullable(),
  requested_by: z.string().nullable(),
  /** Who sent it (the event's authcontext); null for a direct Kafka publisher; absent in older records. */
  principal: principalRefSchema.nullable().optional(),
});
/** The event as an audit record names it. */
export type AuditedEvent = z.infer<typeof auditedEventSchema>;

/** One step's outcome: everything an audit record says. */
export const stepOutcomeSchema = z.object({
  event: auditedEventSchema,
  workflow: z.enum(WORKFLOWS),
  /** e.g. "inactivity" for the inactivity variant of licence management, "reversal" for a re-hire. */
  workflow_variant: z.string().nullable(),
  step: z.object({
    index: z.number().int(),
    count: z.number().int(),
    action: z.enum(ACTIONS),
    idempotency_key: z.string(),
    /** Where the audit trail files the step: source, id and step only (planner/step-identity.ts). */
    audit_key: z.string(),
    /** The event's digest (source, id, type, user, data): recall accepts a record only when it matches. */
    event_digest: z.string(),
  }),
  /** The user acted on, as found in Zendesk; the reference from the event when it could not be found. */
  user: userSnapshotSchema.nullable(),
  user_ref: userRefSchema,
  outcome: z.enum(OUTCOMES),
  dry_run: z.boolean(),
  before: userSnapshotSchema.nullable(),
  after: userSnapshotSchema.nullable(),
  refusal: refusalSchema.optional(),
  error: stepErrorSchema.optional(),
  request_ids: actionReportSchema.shape.request_ids,
  transfer: transferReportSchema.optional(),
  /** The user's open assigned tickets given to someone else before a downgrade or deletion. */
  reassignment: reassignReportSchema.optional(),
  assigned_ticket_ids: actionReportSchema.shape.assigned_ticket_ids,
  detail: z.string().optional(),
  started_at: z.string(),
  finished_at: z.string(),
});
/** One step's outcome as the audit trail records it: event, step, user, before and after, result. */
export type StepOutcome = z.infer<typeof stepOutcomeSchema>;

export const auditReceiptSchema = z.object({
  ticket_id: z.number().int(),
  /** false when the record already existed (a replay) and was not written again. */
  created: z.boolean(),
});
/** Where the audit trail wrote a record (e.g. the audit ticket's id). */
export type AuditReceipt = z.infer<typeof auditReceiptSchema>;

/**
 * What the audit trail says an earlier delivery did with a step. `conflict`: the record found under the step's
 * audit key is of another event reusing this event's source and id (its digest differs); nothing was done for
 * this event, and it must not act under that id.
 */
export const recalledOutcomeSchema = z.object({
  ticket_id: z.number().int(),
  outcome: z.enum(OUTCOMES),
  conflict: z.literal(true).optional(),
});
/** A step's outcome read back from the audit trail (recall). */
export type RecalledOutcome = z.infer<typeof recalledOutcomeSchema>;

/** What recall needs to find a step's record and tell it from an impostor's. */
export type StepIdentity = Pick<StepOutcome['step'], 'idempotency_key' | 'audit_key' | 'event_digest'>;
