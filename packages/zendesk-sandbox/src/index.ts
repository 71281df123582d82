// Public entry of @zendesk-lifecycle/zendesk-sandbox: a faithful local Zendesk Support API for tests and the demo.
export { DEFAULT_CREDENTIALS, startSandbox, type RunningSandbox, type SandboxOptions } from './server.js';
export { DEMO_PEOPLE } from './seed.js';
export { FaultController, type FaultRule } from './faults.js';
export { SandboxState } from './state.js';
export type { Credentials } from './auth.js';
export { DEFAULT_OAUTH_CLIENT, OAuthState, type OAuthClient } from './oauth-state.js';
export type { CustomRole, JobStatus, LoggedRequest, Ticket, User } from './model.js';
export {
  ADMIN_ROLE_ID,
  BILLING_ADMIN_ROLE_ID,
  CONTRIBUTOR_ROLE_ID,
  LIGHT_AGENT_ROLE_ID,
  STAFF_ROLE_ID,
} from './model.js';
export { seededRandom } from './random.js';
export { WebhookService, type Webhook, type WebhookOptions } from './webhooks/webhooks.js';
export { zendeskSignature, signatureTimestamp, type Invocation, type Attempt } from './webhooks/delivery.js';
export {
  SANDBOX_ACCOUNT_ID,
  SANDBOX_USER_EVENT_TYPES,
  type ZendeskUserEventEnvelope,
} from './webhooks/user-events.js';
/** Test support: Zendesk's OpenAPI description, to validate replies and requests (loaded on first use). */
export * as testing from './testing/openapi.js';
/** Test support: an endpoint that records webhook requests and answers with the statuses a test lines up. */
export { startWebhookReceiver, type Received, type WebhookReceiver } from './testing/webhook-receiver.js';
