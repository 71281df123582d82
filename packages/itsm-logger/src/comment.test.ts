// A note added to a step's audit ticket (issue 24, the closed loop): found by the step's audit key as recall finds
// it, a private comment, and the ticket reopened when the note needs a person.
import { startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditTickets, loggerFor, ritaSuspended } from './testing/sandbox.js';
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

describe('comment', () => {
  it('adds a private comment to the step ticket found by its audit key', async () => {
    const logger = loggerFor(sandbox);
    const outcome = ritaSuspended();
    const { ticket_id } = await logger.record(outcome);
    const id = await logger.comment(outcome.step, {
      title: 'Confirmed by Zendesk: suspended',
      facts: [
        ['Zendesk event', 'ev-123'],
        ['Time', '2026-12-01T10:00:00Z'],
      ],
      attention: false,
    });
    expect(id).toBe(ticket_id);
    const [ticket] = auditTickets(sandbox, auditExternalId(outcome.step.audit_key));
    expect(ticket?.status).toBe('solved');
    const last = ticket?.comments.at(-1);
    expect(ticket?.comments).toHaveLength(2);
    expect(last?.public).toBe(false);
    expect(last?.body).toContain('Confirmed by Zendesk: suspended');
    expect(last?.body).toContain('ev-123');
  });

  it('reopens the ticket with high priority when the note needs a person', async () => {
    const logger = loggerFor(sandbox);
    const outcome = ritaSuspended();
    await logger.record(outcome);
    await logger.comment(outcome.step, { title: 'Zendesk disagrees', facts: [], attention: true });
    const [ticket] = auditTickets(sandbox, auditExternalId(outcome.step.audit_key));
    expect(ticket).toMatchObject({ status: 'open', priority: 'high' });
  });

  it('returns null and writes nothing when the step has no ticket', async () => {
    const logger = loggerFor(sandbox);
    const before = auditTickets(sandbox).length;
    expect(
      await logger.comment({ audit_key: 'zl-none-0-suspend' }, { title: 't', facts: [], attention: false }),
    ).toBeNull();
    expect(auditTickets(sandbox)).toHaveLength(before);
  });
});
