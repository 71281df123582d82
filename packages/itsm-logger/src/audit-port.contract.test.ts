// The ITSM logger held to core's AuditPort contract with the sandbox: the same suite the in-memory fake runs.
import { startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { describeAuditPortContract } from '@zendesk-lifecycle/core/testing';
import { afterAll, beforeAll } from 'vitest';
import { loggerFor } from './testing/sandbox.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0, searchLagMs: 0 });
});
afterAll(async () => {
  await sandbox.stop();
});

// Each call is a new logger (a new writer, as a second consumer would be) over the same account.
describeAuditPortContract('ItsmLogger over the sandbox', async () => loggerFor(sandbox));
