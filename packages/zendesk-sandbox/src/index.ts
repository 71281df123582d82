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
/** Test support: Zendesk's OpenAPI description, to validate replies and requests (loaded on first use). */
export * as testing from './testing/openapi.js';
