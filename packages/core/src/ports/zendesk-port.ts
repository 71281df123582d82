// What the action engine needs from Zendesk. packages/zendesk-client implements it; tests may too.
// Every method is idempotent: calling it again after success reports `already_done` and changes nothing.
// The contract every implementation is held to: testing/contracts/zendesk-port.contract.ts.
import type { ActionOptions, ActionReport, DeprovisionOptions, ReassignOptions } from '../model/actions.js';
import type { PriorState } from '../model/prior-state.js';
import type { UserRef, UserSnapshot } from '../model/users.js';

/**
 * Zendesk as the action engine sees it. Errors are thrown as LifecycleError (with `retryable`); an action that
 * may not run as things stand throws ActionRefused (audited as `refused`).
 */
export interface ZendeskPort {
  /** The user, soft-deleted users included (active: false); null when no user matches. */
  findUser(ref: UserRef): Promise<UserSnapshot | null>;
  /**
   * Reassigns the user's open assigned tickets (see ReassignOptions), then makes the user an end user; `before`
   * carries the user's group ids (what undo restores).
   */
  downgrade(user: UserSnapshot, options: ReassignOptions): Promise<ActionReport>;
  suspend(user: UserSnapshot, options: ActionOptions): Promise<ActionReport>;
  unsuspend(user: UserSnapshot, options: ActionOptions): Promise<ActionReport>;
  /**
   * Soft delete (after reassigning open assigned tickets), then permanent delete when asked. A user already
   * deleted (soft, or permanently when asked) reports `already_done`. Zendesk refuses to delete the requester of
   * a ticket that is not closed: that is thrown as ActionRefused.
   */
  deprovision(user: UserSnapshot, options: DeprovisionOptions): Promise<ActionReport>;
  /**
   * The user with its group ids read (`group_ids`): asked before a deprovision's in-progress audit record is
   * opened, so that the record holds the memberships a re-hire gives back. Optional: without it, not recorded.
   */
  readGroups?(user: UserSnapshot): Promise<UserSnapshot>;
  /**
   * For an active user: a soft-deleted profile of the same person (same email), which a re-hire's state is
   * recorded under when the active one was made since (by an earlier restore, or by single sign-on). Optional.
   */
  formerProfile?(user: UserSnapshot): Promise<UserSnapshot | null>;
  /**
   * Permanent delete of a user soft-deleted earlier (`DELETE /api/v2/deleted_users/{id}`). A user no longer found
   * reports `already_done`; an active user (not soft-deleted) is refused (ActionRefused `not_soft_deleted`).
   */
  purge(user: UserSnapshot, options: ActionOptions): Promise<ActionReport>;
  /** Gives every ticket the user requested a new requester: the destination (must exist and be active). */
  transferData(user: UserSnapshot, destination: UserRef, options: ActionOptions): Promise<ActionReport>;
  /**
   * Undo: puts the user back in `prior` (role, custom role, suspension, group memberships; groups left as they are
   * when `prior.group_ids` is null). `already_done` when the user is in that state. A soft-deleted user cannot be
   * undeleted (Zendesk has no such call): the state goes onto an active profile with the recorded email or external
   * id, created when there is none (`after` is then that profile, another id than `before`); refused
   * (`user_deleted`) when nothing identifies the person. Refused when an agent seat is needed and none is free
   * (`no_free_seat`). `before` carries the group ids read, `after` the state restored.
   */
  restore(user: UserSnapshot, prior: PriorState, options: ActionOptions): Promise<ActionReport>;
}
