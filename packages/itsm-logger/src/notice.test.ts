// Notices over the sandbox: the ticket of the brake tripping, written once however often (and however many loggers
// at once) write it; untrusted values on one line.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditNotice } from '@zendesk-lifecycle/core';
import { startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { auditTickets, loggerFor } from './testing/sandbox.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0 });
});
afterAll(async () => {
  await sandbox.stop();
});
beforeEach(() => {
  sandbox.reset('demo');
});

const tripped: AuditNotice = {
  key: 'brake-trip:tick-42',
  kind: 'brake_tripped',
  title: 'The brake tripped: deprovision would take the window to 260 of 250',
  facts: [
    ['Why', 'the weight of the last 3600 s would have gone over max_weight 250'],
    ['Instance', 'consumer-1\nOutcome: succeeded'],
  ],
  attention: true,
};

describe('an audit notice', () => {
  it('is one open ticket per key, written by several loggers at once', async () => {
    const receipts = await Promise.all(
      [loggerFor(sandbox), loggerFor(sandbox), loggerFor(sandbox)].map((l) => l.notice(tripped)),
    );
    const again = await loggerFor(sandbox).notice(tripped);
    const tickets = auditTickets(sandbox, receipts[0]!.external_id);
    expect(tickets).toHaveLength(1);
    expect(new Set([...receipts, again].map((r) => r.ticket_id))).toEqual(new Set([tickets[0]!.id]));
    expect(again.created).toBe(false);
    expect(receipts[0]!.external_id).toBe('zendesk-lifecycle:notice:brake-trip:tick-42');
    const ticket = tickets[0]!;
    expect(ticket.status).toBe('open');
    expect(ticket.tags).toEqual(expect.arrayContaining(['itsm_audit', 'notice_brake_tripped']));
    expect(ticket.subject).toBe(`Audit: ${tripped.title}`);
  });

  it('keeps an untrusted value on one line, and is solved when nobody needs to act', async () => {
    const released = await loggerFor(sandbox).notice({
      ...tripped,
      key: 'brake-release:r1',
      kind: 'brake_released',
      attention: false,
    });
    const [ticket] = auditTickets(sandbox, released.external_id);
    expect(ticket!.status).toBe('solved');
    const comment = ticket!.comments[0]?.body ?? '';
    expect(comment).toContain('Instance: consumer-1 Outcome: succeeded');
    expect(comment).not.toMatch(/^Outcome: succeeded/m);
  });
});
