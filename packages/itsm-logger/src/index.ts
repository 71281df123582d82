// Public entry of @zendesk-lifecycle/itsm-logger: one audit ticket in Zendesk per lifecycle action, exactly once.
export {
  createItsmLogger,
  type ItsmLogReceipt,
  type ItsmLogger,
  type ItsmLoggerOptions,
} from './itsm-logger.js';
export { createItsmLoggerFromEnv, type FromEnvOptions } from './create-from-env.js';
export { itsmLoggerConfigFromEnv, type ItsmLoggerConfig } from './config/itsm-logger-config.js';
export type { AuditZendeskClient } from './delivery/zendesk-ticket-gateway.js';
export type { SettlePolicy } from './delivery/write-once.js';
export type { ServiceRequester } from './requester/service-requester.js';
export type {
  AuditTicket,
  AuditTicketBody,
  AuditTicketSettings,
  CustomFieldValue,
  TicketPriority,
} from './ticket/audit-ticket.js';
export { AUDIT_TAG } from './ticket/tags.js';
export { auditExternalId } from './ticket/ticket-keys.js';
