// The brake on how much the fleet may do per window (the blast radius). The executor asks it before acting on a
// step; while it is tripped nothing acts, the events wait. rails/blast-radius.ts holds the rules and an in-memory
// implementation; apps/consumer/src/brake/ the one shared by every consumer instance through Kafka.
import type { ActionName } from '../model/actions.js';

/** One action about to be done, as the brake counts it. */
export interface BrakeRequest {
  action: ActionName;
  /** What the action weighs (the policy's `blast_radius.weights`). */
  weight: number;
  event_id: string;
  /** The step's idempotency key: the same step asking again is still one action. */
  idempotency_key: string;
}

/** The brake's answer: admitted (with a ticket to refund), or held with when to try again. */
export type BrakeAdmission =
  /** `ticket` names what was counted, for `refund`; absent when nothing was counted (weight 0). */
  | { admitted: true; ticket?: string }
  /** The brake holds: try again after `retryAfterMs` (the brake may still hold then). */
  | { admitted: false; reason: string; retryAfterMs: number };

/** The blast-radius brake, as the executor asks it before every live action. */
export interface BrakePort {
  /** Counts the action and admits it, or says that the brake holds (tripped). */
  admit(request: BrakeRequest): Promise<BrakeAdmission>;
  /**
   * Gives back what an admitted action was counted for when it turned out to change nothing (already done, or
   * failed before acting). Best effort: a refund lost only leaves the action counted.
   */
  refund?(ticket: string): Promise<void>;
  /**
   * Whether the brake holds right now, as far as this instance knows, without counting anything: the executor asks
   * before a live plan, so that a held event costs no Zendesk call while it waits. null: ask `admit`.
   */
  held?(): Extract<BrakeAdmission, { admitted: false }> | null;
}
