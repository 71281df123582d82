// The audit logger's requests go to paths, methods and query parameters that Zendesk's OpenAPI description
// declares (issue 15; the description is S1 of docs/zendesk-rules.md).
import { startSandbox, testing, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redelivered } from './testing/outcomes.js';
import { loggerFor, ritaSuspended } from './testing/sandbox.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0 });
});
afterAll(async () => {
  await sandbox.stop();
});

describe("the audit logger's requests, judged by Zendesk's OpenAPI description", () => {
  it('sends only declared paths, methods and query parameters', async () => {
    const logger = loggerFor(sandbox);
    const step = ritaSuspended();
    await logger.log(step);
    // A replay, and racing redeliveries (same key, another body: Zendesk refuses, the logger looks up the winner).
    await logger.log(step);
    await Promise.all([1, 2, 3].map((i) => logger.log(redelivered(step, i))));
    await logger.log(
      ritaSuspended({
        outcome: 'failed',
        error: { code: 'zendesk_server_error', message: 'y', retryable: true },
      }),
    );
    const log = sandbox.state.requestLog;
    expect(testing.undeclaredRequests(log)).toEqual([]);
    const kinds = testing.callKinds(log);
    expect(kinds).toContain('POST /api/v2/tickets');
    expect(kinds).toContain('GET /api/v2/tickets');
  });
});
