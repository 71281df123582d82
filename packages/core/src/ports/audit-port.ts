// What the action engine needs from the audit trail. packages/itsm-logger implements it.
// The contract every implementation is held to: testing/contracts/audit-port.contract.ts.
import type { AuditReceipt, RecalledOutcome, StepIdentity, StepOutcome } from '../model/outcomes.js';
import type { PriorState } from '../model/prior-state.js';

/**
 * What the executor learned from `recall` right before it acted on the step it now records. The recall-then-write
 * shortcut is part of the contract: an audit trail that had to look the record up itself may skip that look-up
 * when `nothingRecalledAt` is recent (its own rule of how recent), since the executor has just looked. Racing
 * writers of the same step stay the audit trail's concern: it still writes exactly one record.
 */
export interface RecordContext {
  /** When `recall` found no record of this step (the executor's clock). Absent: nobody looked. */
  nothingRecalledAt?: Date;
  /** The record `begin` opened for this step: `record` completes that one with the outcome. */
  begun?: AuditReceipt;
}

/** A step about to act, as `begin` records it: everything of its outcome but the outcome. */
export type StepStart = Omit<StepOutcome, 'outcome'>;

/**
 * Something the audit trail records that is not a step of an event (the brake tripped, or was released). Written
 * exactly once per `key`: writing it again finds the first record.
 */
export interface AuditNotice {
  /** Unique per notice, stable across retries (e.g. the id of the tick that tripped the brake). */
  key: string;
  kind: 'brake_tripped' | 'brake_released' | 'access_restored';
  /** One line: the record's subject. */
  title: string;
  /** What happened, why, and what to do, as label and value pairs in order. */
  facts: Array<[label: string, value: string]>;
  /** A person must act on it (the record stays open). */
  attention: boolean;
}

/**
 * A note added to a step's existing record (the closed loop: Zendesk's own event confirmed the step, or its state
 * read back disagrees with it). Private, like the record.
 */
export interface AuditNote {
  /** One line: what the note says. */
  title: string;
  facts: Array<[label: string, value: string]>;
  /** A person must act on it: the record is reopened with the attention priority. */
  attention: boolean;
}

/** Writes exactly one audit record per step outcome; a replay of the same step returns the same receipt. */
export interface AuditPort {
  /**
   * The outcome already audited for a step (looked up by its audit key), or null. The audit trail is the durable
   * record of what was done: a redelivered event skips the steps it finds here instead of acting again.
   * Without it, every step of a redelivered event is acted on again (the actions are idempotent). Only a record
   * the service itself wrote counts, and only when its event digest matches: a record of another digest comes
   * back with `conflict: true` (another event reused this one's id); anything else is null.
   */
  recall?(step: StepIdentity): Promise<RecalledOutcome | null>;
  /**
   * Opens the step's record as "in progress" before an irreversible action (a soft or permanent delete), or
   * finds the one an earlier delivery opened; `record` then completes it with the outcome. `recall` never takes
   * an in-progress record for done, so a crash between the two resumes the step and completes the same record.
   * Throws when the record cannot be written: the executor then does not act. `context` is the recall's, as for
   * `record`: a recent `nothingRecalledAt` spares the look-up.
   */
  begin?(start: StepStart, context?: RecordContext): Promise<AuditReceipt>;
  /** Writes the record of `outcome`, or finds the one an earlier delivery wrote; see RecordContext. */
  record(outcome: StepOutcome, context?: RecordContext): Promise<AuditReceipt>;
  /** Records a notice (see AuditNotice), exactly once per key. Throws when it cannot be written. */
  notice?(notice: AuditNotice): Promise<AuditReceipt>;
  /**
   * Undo: the user's state before the most recent lifecycle event that changed it (the `before` of that event's
   * first succeeded downgrade, suspend or deprovision step), read from records the service itself wrote; reversals
   * (re-hires) and dry runs do not count. null when no such record exists. Without it, restore is refused.
   */
  priorState?(user: { id: number }): Promise<PriorState | null>;
  /**
   * Adds `note` to the step's record, found by its audit key as `recall` finds it (only a record the service
   * itself wrote); returns its ticket id, or null when the step has no record. Throws when it cannot be written.
   */
  comment?(step: Pick<StepIdentity, 'audit_key'>, note: AuditNote): Promise<number | null>;
}
