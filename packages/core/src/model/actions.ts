// The Zendesk actions: their names, what they are asked with, and what they report back.
import { z } from 'zod';
import { userRefSchema, userSnapshotSchema } from './users.js';

/** Every Zendesk action a plan may contain. */
export const ACTIONS = [
  'downgrade',
  'suspend',
  'unsuspend',
  'deprovision',
  'transfer_data',
  'purge',
  'restore',
] as const;
/** The name of a Zendesk action. */
export type ActionName = (typeof ACTIONS)[number];

/** How an action that did not fail ended: it changed Zendesk, or Zendesk was already so. */
export const ACTION_STATUSES = ['succeeded', 'already_done'] as const;
/** How an action that did not fail ended. */
export type ActionStatus = (typeof ACTION_STATUSES)[number];

const ticketId = z.number().int();

/** Per-ticket result of a data transfer. */
export const transferReportSchema = z.object({
  destination_id: z.number().int(),
  moved: z.array(ticketId),
  /** Tickets that cannot change (closed) and were left as they are. */
  skipped: z.array(z.object({ id: ticketId, reason: z.string() })),
  failed: z.array(z.object({ id: ticketId, error: z.string() })),
});
/** Per-ticket result of a data transfer. */
export type TransferReport = z.infer<typeof transferReportSchema>;

/**
 * Who takes over the tickets assigned to a user who stops being an agent: an agent (by reference), or a group
 * (the tickets are then unassigned inside that group).
 */
export const assigneeTargetSchema = z.union([
  z.object({ agent: userRefSchema }).strict(),
  z.object({ group_id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict(),
]);
/** Who takes a user's open assigned tickets: an agent or a group. */
export type AssigneeTarget = z.infer<typeof assigneeTargetSchema>;

/** Per-ticket result of reassigning a user's open assigned tickets before a downgrade or a deletion. */
export const reassignReportSchema = z.object({
  /** Where the tickets went: an agent's id, or a group's id. */
  to: z.union([z.object({ assignee_id: z.number().int() }), z.object({ group_id: z.number().int() })]),
  moved: z.array(ticketId),
  failed: z.array(z.object({ id: ticketId, error: z.string() })),
});
/** Which open assigned tickets went to whom before a downgrade or deprovision. */
export type ReassignReport = z.infer<typeof reassignReportSchema>;

/** What every action reports (zod schema of ActionReport). */
export const actionReportSchema = z.object({
  status: z.enum(ACTION_STATUSES),
  /** The user before the action; null when the user was already gone. */
  before: userSnapshotSchema.nullable(),
  /** The user after the action; null when the user no longer exists. */
  after: userSnapshotSchema.nullable(),
  /** Zendesk request ids (X-Request-Id) of the calls that made the change, for the audit trail. */
  request_ids: z.array(z.string()),
  /** One human sentence on what happened, e.g. "soft deleted, then permanently deleted". */
  detail: z.string().optional(),
  transfer: transferReportSchema.optional(),
  /** The open tickets that were assigned to the user and were given to someone else first. */
  reassignment: reassignReportSchema.optional(),
  /** Tickets still assigned to the user when it stopped being an agent (downgrade, deprovision). */
  assigned_ticket_ids: z.array(ticketId).optional(),
});
/** What an action reports: status, the user before and after, request ids, detail. */
export type ActionReport = z.infer<typeof actionReportSchema>;

export const actionOptionsSchema = z.object({
  /** Stable key derived from the event id and the step; the same key means the same step. */
  idempotency_key: z.string(),
  /** The principal that asked may act on admins (policy); absent or false: admins are refused (protected_user). */
  may_target_admins: z.boolean().optional(),
});
/** What every action is asked with: its idempotency key (and a dry-run flag). */
export type ActionOptions = z.infer<typeof actionOptionsSchema>;

/**
 * For actions after which the user is no longer an agent (downgrade, deprovision): Zendesk itself would hand
 * the user's open assigned tickets to whoever makes the call (the service's API user), so they are reassigned
 * on purpose first, to the first usable target here. With tickets to move and no usable target, the action is
 * refused (ActionRefused) instead.
 */
export const reassignOptionsSchema = actionOptionsSchema.extend({
  reassign_to: z.array(assigneeTargetSchema).optional(),
});
/** Options of the actions after which the user is no longer an agent: where open assigned tickets go. */
export type ReassignOptions = z.infer<typeof reassignOptionsSchema>;

export const deprovisionOptionsSchema = reassignOptionsSchema.extend({
  /** Run the permanent delete after the soft delete. When false, stop after the soft delete. */
  permanent: z.boolean(),
});
/** Options of a deprovision: reassignment, and whether to delete permanently. */
export type DeprovisionOptions = z.infer<typeof deprovisionOptionsSchema>;
