// What the action engine needs from Zendesk. packages/zendesk-client implements it; tests may too.
// Every method is idempotent: calling it again after success reports `already_done` and changes nothing.

export const ACTIONS = ['downgrade', 'suspend', 'unsuspend', 'deprovision', 'transfer_data'] as const;
export type ActionName = (typeof ACTIONS)[number];

export type ZendeskRole = 'end-user' | 'agent' | 'admin';

/** How an event names a Zendesk user: at least one of these. */
export interface UserRef {
  id?: number;
  email?: string;
  external_id?: string;
}

/** The part of a Zendesk user that lifecycle decisions and audit tickets need. */
export interface UserSnapshot {
  id: number;
  name: string;
  email: string | null;
  external_id: string | null;
  role: ZendeskRole;
  /** Zendesk role_type: 0 custom agent, 1 light agent, 2 chat agent, 3 contributor, 4 admin, 5 billing admin. */
  role_type: number | null;
  custom_role_id: number | null;
  suspended: boolean;
  /** false once soft deleted. */
  active: boolean;
  last_login_at: string | null;
  /** The Zendesk account owner, whom Zendesk itself refuses to downgrade, suspend or delete. */
  is_account_owner?: boolean;
}

export type ActionStatus = 'succeeded' | 'already_done';

/** Per-ticket result of a data transfer. */
export interface TransferReport {
  destination_id: number;
  moved: number[];
  /** Tickets that cannot change (closed) and were left as they are. */
  skipped: Array<{ id: number; reason: string }>;
  failed: Array<{ id: number; error: string }>;
}

/**
 * Who takes over the tickets assigned to a user who stops being an agent: an agent (by reference), or a group
 * (the tickets are then unassigned inside that group).
 */
export type AssigneeTarget = { agent: UserRef } | { group_id: number };

/** Per-ticket result of reassigning a user's open assigned tickets before a downgrade or a deletion. */
export interface ReassignReport {
  /** Where the tickets went: an agent's id, or a group's id. */
  to: { assignee_id: number } | { group_id: number };
  moved: number[];
  failed: Array<{ id: number; error: string }>;
}

export interface ActionReport {
  status: ActionStatus;
  /** The user before the action; null when the user was already gone. */
  before: UserSnapshot | null;
  /** The user after the action; null when the user no longer exists. */
  after: UserSnapshot | null;
  /** Zendesk request ids (X-Request-Id) of the calls that made the change, for the audit trail. */
  request_ids: string[];
  /** One human sentence on what happened, e.g. "soft deleted, then permanently deleted". */
  detail?: string;
  transfer?: TransferReport;
  /** The open tickets that were assigned to the user and were given to someone else first. */
  reassignment?: ReassignReport;
  /** Tickets still assigned to the user when it stopped being an agent (downgrade, deprovision). */
  assigned_ticket_ids?: number[];
}

export interface ActionOptions {
  /** Stable key derived from the event id and the step; the same key means the same step. */
  idempotency_key: string;
}

/**
 * For actions after which the user is no longer an agent (downgrade, deprovision): Zendesk itself would hand
 * the user's open assigned tickets to whoever makes the call (the service's API user), so they are reassigned
 * on purpose first, to the first usable target here. With tickets to move and no usable target, the action is
 * refused (ActionRefused) instead.
 */
export interface ReassignOptions extends ActionOptions {
  reassign_to?: AssigneeTarget[];
}

export interface DeprovisionOptions extends ReassignOptions {
  /** Run the permanent delete after the soft delete. When false, stop after the soft delete. */
  permanent: boolean;
}

/**
 * Zendesk as the action engine sees it. Errors are thrown as LifecycleError (with `retryable`); an action that
 * may not run as things stand throws ActionRefused (audited as `refused`).
 */
export interface ZendeskPort {
  /** The user, soft-deleted users included (active: false); null when no user matches. */
  findUser(ref: UserRef): Promise<UserSnapshot | null>;
  /** Reassigns the user's open assigned tickets (see ReassignOptions), then makes the user an end user. */
  downgrade(user: UserSnapshot, options: ReassignOptions): Promise<ActionReport>;
  suspend(user: UserSnapshot, options: ActionOptions): Promise<ActionReport>;
  unsuspend(user: UserSnapshot, options: ActionOptions): Promise<ActionReport>;
  /**
   * Soft delete (after reassigning open assigned tickets), then permanent delete when asked. Zendesk refuses to
   * delete the requester of a ticket that is not closed: that is thrown as ActionRefused.
   */
  deprovision(user: UserSnapshot, options: DeprovisionOptions): Promise<ActionReport>;
  /** Gives every ticket the user requested a new requester: the destination (must exist and be active). */
  transferData(user: UserSnapshot, destination: UserRef, options: ActionOptions): Promise<ActionReport>;
}
