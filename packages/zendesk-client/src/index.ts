// Public entry of @zendesk-lifecycle/zendesk-client: a typed, resilient Zendesk client over node-zendesk.
export { createZendeskClient, ZendeskClient, type Account, type TicketRecord } from './client.js';
export {
  entitlementsOf,
  type CustomRole,
  type EntitlementSource,
  type Entitlements,
  type PaidSeat,
  type Seat,
} from './users/seats.js';
export {
  DEFAULT_DESTINATION_WAIT_MS,
  ZendeskActions,
  type ActionsOptions,
  type ProtectionOptions,
} from './actions/actions.js';
export type { FindUserOptions } from './users/find-user.js';
export type { BrandRecord, TicketFieldRecord, TicketFormRecord } from './ticket-settings/records.js';
export { PAGE_SIZE, type ListPath } from './lists/paging.js';
export { authWarnings, createAuth } from './auth/from-config.js';
export { OAuthGrantRefused, requestToken, type TokenReply } from './auth/grant.js';
export {
  ClientCredentialsAuth,
  RefreshTokenAuth,
  StaticAuth,
  type AuthKind,
  type AuthProvider,
} from './auth/providers.js';
export { FileTokenStore, MemoryTokenStore, type StoredGrant, type TokenStore } from './auth/token-store.js';
export { credentialLabel, missingScopes, ZendeskAuthFailed, type AuthCheck } from './auth/verify.js';
export {
  parseZendeskConfig,
  settingName,
  zendeskConfigFromEnv,
  type CallInfo,
  type ClientLogger,
  type RetryPolicy,
  type ZendeskConfig,
  type ZendeskConfigInput,
} from './config.js';
export {
  Conflict,
  Forbidden,
  Invalid,
  NetworkError,
  NotFound,
  RateLimited,
  ServerError,
  Timeout,
  Unauthorized,
  ZendeskError,
  errorFromResponse,
} from './errors.js';
export { RateGovernor, type GovernorStats } from './transport/governor.js';
export { statusOf, toSnapshot, type AccountStatus, type ZendeskUser } from './users/snapshot.js';
export {
  ZendeskWebhooks,
  type WebhookInvocation,
  type WebhookRecord,
  type WebhookSpec,
} from './webhooks/webhooks.js';
