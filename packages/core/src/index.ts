// Public entry of @zendesk-lifecycle/core: event schemas, workflows, policy, planner and executor. Pure, no I/O.
export { LifecycleError, isRetryable, type LifecycleErrorOptions } from './errors/lifecycle-error.js';
export {
  ACTIONS,
  type ActionName,
  type ActionOptions,
  type ActionReport,
  type ActionStatus,
  type DeprovisionOptions,
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
  StepOutcome,
  WorkflowName,
} from './ports/audit-port.js';
export { ConfigError, parseConfig } from './config/config-error.js';
export { envBoolean, envInteger, envString, type Env } from './config/env.js';
export { TOPIC_DEFAULTS, kafkaSettingsFromEnv, type KafkaSettings } from './config/kafka-settings.js';
