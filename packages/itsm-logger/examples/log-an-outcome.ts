// Logs one step outcome as an audit ticket, twice, and shows that the second call finds the first ticket.
// Run against the sandbox (see the README):
//   ZENDESK_BASE_URL=http://127.0.0.1:4010 ZENDESK_OAUTH_CLIENT_ID=zendesk-lifecycle ZENDESK_OAUTH_CLIENT_SECRET=sandbox-oauth-client-secret \
//   ITSM_REQUESTER_EMAIL=lifecycle-bot@acme.test npx tsx packages/itsm-logger/examples/log-an-outcome.ts
import { sha256Hex, type StepOutcome, type UserSnapshot } from '@zendesk-lifecycle/core';
import { createItsmLoggerFromEnv } from '../src/index.js'; // '@zendesk-lifecycle/itsm-logger' outside this repo

const rita: UserSnapshot = {
  id: 1012,
  name: 'Rita Reviewed',
  email: 'rita@acme.test',
  external_id: 'HR-1012',
  role: 'agent',
  role_type: 0,
  custom_role_id: null,
  suspended: false,
  active: true,
  last_login_at: null,
};

const eventId = process.argv[2] ?? `example-${Date.now()}`;

const outcome: StepOutcome = {
  event: {
    id: eventId,
    type: 'lifecycle.access_revoked.v1',
    source: 'iam/quarterly-review',
    time: new Date().toISOString(),
    subject: 'email:rita@acme.test',
    reason: 'access review Q4: no longer needs Zendesk',
    requested_by: 'security@acme.test',
  },
  workflow: 'access_review',
  workflow_variant: null,
  step: {
    index: 0,
    count: 1,
    action: 'suspend',
    idempotency_key: `zl-example-${eventId}`,
    audit_key: `zl-example-${eventId}-0-suspend`,
    event_digest: sha256Hex(eventId),
  },
  user: { ...rita, suspended: true },
  user_ref: { email: 'rita@acme.test' },
  outcome: 'succeeded',
  dry_run: false,
  before: rita,
  after: { ...rita, suspended: true },
  request_ids: ['example-request-id'],
  started_at: new Date().toISOString(),
  finished_at: new Date().toISOString(),
};

const logger = createItsmLoggerFromEnv(process.env);
console.log('first call: ', await logger.log(outcome));
console.log('second call:', await logger.log({ ...outcome, outcome: 'already_done' }));
console.log('recalled:   ', await logger.recall(outcome.step));
