// Public entry of @zendesk-lifecycle/core: event schemas, workflows, policy, planner and executor. Pure, no I/O.
export { LifecycleError, isRetryable, type LifecycleErrorOptions } from './errors/lifecycle-error.js';
export { ActionRefused, type RefusedPartial } from './errors/action-refused.js';
export {
  ACTIONS,
  type ActionName,
  type ActionOptions,
  type ActionReport,
  type ActionStatus,
  type AssigneeTarget,
  type DeprovisionOptions,
  type ReassignOptions,
  type ReassignReport,
  type TransferReport,
  type UserRef,
  type UserSnapshot,
  type ZendeskPort,
  type ZendeskRole,
} from './ports/zendesk-port.js';
export type {
  AuditPort,
  AuditReceipt,
  AuditedEvent,
  Outcome,
  RecalledOutcome,
  StepOutcome,
  WorkflowName,
} from './ports/audit-port.js';
export { ConfigError, parseConfig } from './config/config-error.js';
export { envBoolean, envInteger, envString, type Env } from './config/env.js';
export { TOPIC_DEFAULTS, kafkaSettingsFromEnv, type KafkaSettings } from './config/kafka-settings.js';

// Events
export {
  EVENT_TYPES,
  RESULT_EVENT_TYPE,
  WORKFLOW_OF_TYPE,
  isEventType,
  type EventType,
  type WorkflowOf,
} from './events/event-types.js';
export {
  EVENT_SCHEMAS,
  envelopeSchema,
  lifecycleDataSchema,
  userRefSchema,
  type LifecycleData,
  type LifecycleEvent,
} from './events/schemas.js';
export { parseEventObject } from './events/parse-event.js';
export {
  DEFAULT_MAX_EVENT_BYTES,
  headerText,
  parseKafkaRecord,
  type HeaderValue,
  type KafkaRecordInput,
} from './events/parse-kafka.js';
export { parseHttpEvents, type HttpRequestInput } from './events/parse-http.js';
export {
  describeParseError,
  type EventParseError,
  type FieldIssue,
  type ParseErrorCode,
  type ParseResult,
} from './events/parse-errors.js';
export { createLifecycleEvent, eventKey, type NewEvent } from './events/build-event.js';
export { subjectsOf, userKey } from './events/user-key.js';
export { eventJsonSchemas } from './events/json-schemas.js';

// Workflows, policy, planning, execution
export { isAllowed, refusalReason } from './workflows/matrix.js';
export {
  DEFAULT_PLANS,
  defaultPolicy,
  parsePolicy,
  parsePolicyText,
  planOf,
  policySchema,
  reassignTargetOf,
  type Policy,
  type PolicyInput,
} from './policy/policy.js';
export {
  planEvent,
  stepKey,
  type Plan,
  type PlannedStep,
  type PlanOptions,
  type Refusal,
} from './planner/plan.js';
export { BlastRadiusLimiter, type Admission, type BlastRadiusSettings } from './rails/blast-radius.js';
export { protectionOf, type ProtectedUsers } from './rails/protected-users.js';
export { systemClock, type Clock } from './executor/clock.js';
export { executePlan, type ExecuteOptions } from './executor/execute.js';
export { isSuccess, type Execution, type StepReport } from './executor/step-report.js';
export {
  buildResultEvent,
  resultDataSchema,
  resultEventSchema,
  type ResultEvent,
} from './results/result-event.js';
export { fnv1a64 } from './hash/fnv.js';
