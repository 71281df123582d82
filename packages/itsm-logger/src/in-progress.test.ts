// The in-progress ticket over the sandbox (issue 19): opened before an irreversible step, not done for recall,
// completed in place with the outcome, one ticket per step, and never completed by another event's step.
// Ticket update: PUT /api/v2/tickets/{ticket_id} (OpenAPI); tags and status are replaced, the comment is added.
import { startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { sha256Hex, type StepOutcome, type StepStart } from '@zendesk-lifecycle/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { anOutcome } from './testing/outcomes.js';
import { auditTickets, loggerFor } from './testing/sandbox.js';
import { auditExternalId } from './ticket/ticket-keys.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0 });
});
afterAll(async () => {
  await sandbox.stop();
});
afterEach(() => {
  sandbox.reset('demo');
});

function deprovision(): { outcome: StepOutcome; start: StepStart } {
  const outcome = anOutcome();
  const step = { ...outcome.step, action: 'deprovision' as const };
  const { outcome: _final, ...start } = { ...outcome, step };
  return { outcome: { ...outcome, step }, start };
}

describe('the in-progress audit ticket of an irreversible step', () => {
  it('is opened in progress, then completed in place: one ticket per step', async () => {
    const logger = loggerFor(sandbox);
    const { outcome, start } = deprovision();
    const begun = await logger.begin(start);
    const [opened] = auditTickets(sandbox, auditExternalId(outcome.step.audit_key));
    expect(opened).toMatchObject({ id: begun.ticket_id, status: 'open' });
    expect(opened?.tags).toContain('outcome_in_progress');
    expect(opened?.subject).toMatch(/· in progress$/);
    expect(await logger.recall(outcome.step)).toBeNull();

    await logger.record(outcome, { nothingRecalledAt: new Date(), begun });
    const tickets = auditTickets(sandbox, auditExternalId(outcome.step.audit_key));
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ id: begun.ticket_id, status: 'solved' });
    expect(tickets[0]?.tags).toContain('outcome_succeeded');
    expect(tickets[0]?.tags).not.toContain('outcome_in_progress');
    expect(await logger.recall(outcome.step)).toEqual({ ticket_id: begun.ticket_id, outcome: 'succeeded' });
  });

  it('after a crash, a new logger recalls nothing and its record completes the same ticket', async () => {
    const { outcome, start } = deprovision();
    const begun = await loggerFor(sandbox).begin(start);
    const resumed = loggerFor(sandbox);
    expect(await resumed.recall(outcome.step)).toBeNull();
    const failed = {
      ...outcome,
      outcome: 'failed' as const,
      error: { code: 'zendesk_server_error' as const, message: '503', retryable: true },
    };
    expect(await resumed.record(failed, { nothingRecalledAt: new Date() })).toEqual({
      ticket_id: begun.ticket_id,
      created: false,
    });
    const tickets = auditTickets(sandbox, auditExternalId(outcome.step.audit_key));
    expect(tickets).toHaveLength(1);
    expect(tickets[0]?.tags).toContain('outcome_failed');
  });

  it('refuses to open a step whose ticket records another event (a reused id): nothing to act on', async () => {
    const logger = loggerFor(sandbox);
    const { outcome, start } = deprovision();
    const real = await logger.begin(start);
    const forged = { ...start, step: { ...start.step, event_digest: sha256Hex('forged') } };
    await expect(logger.begin(forged)).rejects.toMatchObject({ code: 'audit_rejected', retryable: false });
    expect(auditTickets(sandbox, auditExternalId(outcome.step.audit_key)).map((t) => t.id)).toEqual([
      real.ticket_id,
    ]);
  });

  it('takes the recall that just found nothing at its word: no second look-up before opening the ticket', async () => {
    const logger = loggerFor(sandbox);
    const { outcome, start } = deprovision();
    expect(await logger.recall(outcome.step)).toBeNull();
    const from = sandbox.state.requestLog.length;
    const begun = await logger.begin(start, { nothingRecalledAt: new Date() });
    const calls = sandbox.state.requestLog.slice(from).map((r) => `${r.method} ${r.path}`);
    expect(calls).toEqual(['POST /api/v2/tickets.json']);
    expect(auditTickets(sandbox, auditExternalId(outcome.step.audit_key)).map((t) => t.id)).toEqual([
      begun.ticket_id,
    ]);
  });

  it("still refuses a reused id when the recall found the other event's ticket in progress", async () => {
    const { outcome, start } = deprovision();
    const real = await loggerFor(sandbox).begin(start);
    const logger = loggerFor(sandbox);
    const forged = { ...start, step: { ...start.step, event_digest: sha256Hex('forged') } };
    expect(await logger.recall(forged.step)).toBeNull();
    await expect(logger.begin(forged, { nothingRecalledAt: new Date() })).rejects.toMatchObject({
      code: 'audit_rejected',
    });
    expect(auditTickets(sandbox, auditExternalId(outcome.step.audit_key)).map((t) => t.id)).toEqual([
      real.ticket_id,
    ]);
  });
});
