// What the action engine needs from the audit trail. packages/itsm-logger implements it.
import type { ActionName, ReassignReport, TransferReport, UserRef, UserSnapshot } from './zendesk-port.js';

export type Outcome = 'succeeded' | 'already_done' | 'refused' | 'failed';
export type WorkflowName = 'offboarding' | 'access_review' | 'license_management';

/** The event facts an auditor needs, copied from the CloudEvent. */
export interface AuditedEvent {
  id: string;
  type: string;
  source: string;
  time: string | null;
  subject: string | null;
  reason: string | null;
  requested_by: string | null;
}

/** One step's outcome: everything an audit ticket says. */
export interface StepOutcome {
  event: AuditedEvent;
  workflow: WorkflowName;
  /** e.g. "inactivity" for the inactivity variant of licence management, "reversal" for a re-hire. */
  workflow_variant: string | null;
  step: { index: number; count: number; action: ActionName; idempotency_key: string };
  /** The user acted on, as found in Zendesk; the reference from the event when it could not be found. */
  user: UserSnapshot | null;
  user_ref: UserRef;
  outcome: Outcome;
  dry_run: boolean;
  before: UserSnapshot | null;
  after: UserSnapshot | null;
  /** Why a step was refused: the rule that stopped it and a sentence for people. */
  refusal?: { rule: string; reason: string };
  error?: { code: string; message: string; retryable: boolean };
  request_ids: string[];
  transfer?: TransferReport;
  /** The user's open assigned tickets given to someone else before a downgrade or deletion. */
  reassignment?: ReassignReport;
  assigned_ticket_ids?: number[];
  detail?: string;
  started_at: string;
  finished_at: string;
}

export interface AuditReceipt {
  ticket_id: number;
  /** false when the ticket already existed (a replay) and was not written again. */
  created: boolean;
}

/** Writes exactly one audit record per step outcome; a replay of the same step returns the same receipt. */
export interface AuditPort {
  record(outcome: StepOutcome): Promise<AuditReceipt>;
  /**
   * The outcome already audited for a step (by its idempotency key), or null. The audit trail is the durable
   * record of what was done: a redelivered event skips the steps it finds here instead of acting again.
   */
  recall?(idempotencyKey: string): Promise<RecalledOutcome | null>;
}

export interface RecalledOutcome {
  ticket_id: number;
  outcome: Outcome;
}
