// Public entry of @zendesk-lifecycle/core: the domain vocabulary, event schemas, workflows, policy, planner and
// executor. Pure, no I/O.
export { LifecycleError, type LifecycleErrorOptions } from './errors/lifecycle-error.js';
export { ActionRefused, type RefusedPartial } from './errors/action-refused.js';

// The vocabulary (model/): zod schemas and the types inferred from them
export {
  ACTIONS,
  ACTION_STATUSES,
  ERROR_CODES,
  OUTCOMES,
  REFUSAL_RULES,
  WORKFLOWS,
  ZENDESK_ROLES,
  actionReportSchema,
  assigneeTargetSchema,
  auditedEventSchema,
  stepOutcomeSchema,
  stepReportSchema,
  userRefSchema,
  userSnapshotSchema,
  type ActionName,
  type ActionOptions,
  type ActionReport,
  type ActionStatus,
  type AssigneeTarget,
  type AuditReceipt,
  type AuditedEvent,
  type DeprovisionOptions,
  type ErrorCode,
  type Outcome,
  type ReassignOptions,
  type ReassignReport,
  type RecalledOutcome,
  type Refusal,
  type RefusalRule,
  type StepError,
  type StepIdentity,
  type StepOutcome,
  type StepReport,
  type TransferReport,
  type UserRef,
  type UserSnapshot,
  type WorkflowName,
  type WorkflowOf,
  type ZendeskRole,
} from './model/index.js';
// Undo: the state before a lifecycle event, as the audit trail records it and restore puts it back
export {
  STATE_CHANGING_ACTIONS,
  describeState,
  matchesState,
  priorStateSchema,
  userIdentityOf,
  userIdentitySchema,
  userStateOf,
  userStateSchema,
  type PriorState,
  type UserIdentity,
  type UserState,
} from './model/prior-state.js';

// The ports adapters implement
export type { ZendeskPort } from './ports/zendesk-port.js';
export type { AuditNote, AuditNotice, AuditPort, RecordContext, StepStart } from './ports/audit-port.js';

export { ConfigError, parseConfig } from './config/config-error.js';
export { envBoolean, envInteger, envString, type Env } from './config/env.js';

// Events
export { EVENT_TYPES, RESULT_EVENT_TYPE, isEventType, type EventType } from './events/event-types.js';
export { type LifecycleData, type LifecycleEvent } from './events/schemas.js';
export { parseEventObject } from './events/parse-event.js';
export { parseKafkaRecord, type KafkaRecordInput } from './events/parse-kafka.js';
export { parseHttpEvents, type HttpRequestInput } from './events/parse-http.js';
export { staleReason } from './events/staleness.js';
export {
  describeParseError,
  type EventParseError,
  type ParseErrorCode,
  type ParseResult,
} from './events/parse-errors.js';
export { createLifecycleEvent, eventKey, type NewEvent } from './events/build-event.js';
export { userKey } from './events/user-key.js';
export {
  ZENDESK_USER_EVENT_PREFIX,
  ZendeskUserEventSchema,
  userChangeOf,
  type ReadUserEvent,
  type UserChange,
  type ZendeskUserEvent,
} from './events/zendesk-user-event.js';
export { eventJsonSchemas } from './events/json-schemas.js';

// Policy, planning, execution
export {
  defaultPolicy,
  parsePolicy,
  parsePolicyText,
  type Policy,
  type PolicyInput,
} from './policy/policy.js';
export {
  DEFAULT_OKTA_EVENTS,
  oktaMappings,
  oktaNeeds,
  type OktaMapping,
  type OktaPolicy,
} from './policy/okta.js';
export {
  AUTH_TYPES,
  DEFAULT_PRINCIPAL,
  authorizeEvent,
  rightsOf,
  type AuthType,
  type Authorization,
  type PlanPrincipal,
  type PrincipalPolicy,
  type Rights,
} from './policy/principals.js';
export {
  auditKey,
  eventDigest,
  planEvent,
  stepKey,
  type Plan,
  type PlannedStep,
  type PlanOptions,
} from './planner/plan.js';
export { canonicalJson } from './planner/step-identity.js';
export { sha256Hex } from './hash/sha256.js';
export {
  BrakeLedger,
  DEFAULT_ACTION_WEIGHTS,
  DEFAULT_WEIGHT,
  heldReason,
  InMemoryBrake,
  weightOf,
  type BlastRadiusSettings,
  type BrakeEntry,
  type BrakeState,
  type BrakeTick,
  type ReleasedState,
  type TickVerdict,
  type TrippedState,
  type WindowWeight,
} from './rails/blast-radius.js';
export type { BrakeAdmission, BrakePort, BrakeRequest } from './ports/brake-port.js';
export {
  protectionOf,
  type ProtectedUsers,
  type ProtectionContext,
  type UserList,
} from './rails/protected-users.js';
export { destinationRefusal, type TransferRules } from './rails/transfer-destination.js';
export { systemClock, type Clock } from './executor/clock.js';
export { executePlan, type ExecuteOptions } from './executor/execute.js';
export type { Execution } from './executor/execution.js';
export {
  buildResultEvent,
  buildScheduledResult,
  resultEventSchema,
  type ResultEvent,
} from './results/result-event.js';
export * from './confirm/index.js';
export { deferredPurgeOf, purgePlanOf, purgeStepKey, type PurgePlanOptions } from './planner/purge.js';
