// The closed sets of error codes and refusal rules. Every LifecycleError carries one of these codes and every
// refusal one of these rules; docs/operations.md explains each and what an operator does about it.

/** Why a step failed (or an adapter gave up): the code of a LifecycleError. */
export const ERROR_CODES = [
  // core
  'invalid_config',
  'user_not_found',
  'unexpected_error',
  // Zendesk answers (packages/zendesk-client)
  'zendesk_unauthorized',
  'zendesk_forbidden',
  'zendesk_not_found',
  'zendesk_conflict',
  'zendesk_rate_limited',
  'zendesk_server_error',
  'zendesk_invalid',
  'zendesk_timeout',
  'zendesk_network_error',
  'zendesk_auth_failed',
  'zendesk_auth_unavailable',
  'zendesk_oauth_refused',
  'incomplete_list',
  'job_timeout',
  // actions (packages/zendesk-client)
  'invalid_destination',
  'transfer_incomplete',
  'reassign_incomplete',
  // audit trail (packages/itsm-logger)
  'audit_unavailable',
  'audit_pending',
  'audit_rejected',
  'audit_requester_is_target',
  // delivery (apps/consumer): the Kafka partition may have moved to another member; nothing was done
  'ownership_uncertain',
] as const;
/** A code from the closed set of error codes (ERROR_CODES). */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Why a step was refused: the rule that stopped it (ActionRefused, the planner or the executor's rails). */
export const REFUSAL_RULES = [
  // the planner
  'workflow_matrix',
  'missing_destination',
  'irreversible_disabled',
  // the executor's rails
  'precondition_failed',
  // the executor, before a purge: the user is no longer soft-deleted (active again)
  'not_soft_deleted',
  'protected_user',
  // the executor: the audit trail holds another event (a different digest) under this event's source and id
  'event_id_conflict',
  // the Zendesk client (and core's fake), before any ticket moves
  'destination_not_allowed',
  // Zendesk, as the client finds it (ActionRefused)
  'no_reassignment_target',
  'zendesk_refused_delete',
  // restore (undo): nothing recorded to go back to, no free agent seat, or a deleted user Zendesk cannot undelete
  'no_prior_state',
  'no_free_seat',
  'user_deleted',
] as const;
/** A rule from the closed set of refusal rules (REFUSAL_RULES). */
export type RefusalRule = (typeof REFUSAL_RULES)[number];
