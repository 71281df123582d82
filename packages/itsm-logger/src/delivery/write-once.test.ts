import { describe, expect, it } from 'vitest';
import type { AuditTicket, AuditTicketBody } from '../ticket/audit-ticket.js';
import { FakeTickets } from '../testing/fake-tickets.js';
import { writeOnce } from './write-once.js';

function aTicket(note = 'first'): AuditTicket {
  const body: AuditTicketBody = {
    subject: 'Audit',
    comment: { body: note, html_body: note, public: false },
    status: 'solved',
    tags: ['itsm_audit'],
    external_id: 'zendesk-lifecycle:evt-1:0:suspend',
  };
  return { externalId: body.external_id, idempotencyKey: 'zendesk-lifecycle:audit:evt-1:0:suspend', body };
}

const quickSettle = { attempts: 3, delayMs: 1 };

describe('writing an audit ticket once', () => {
  it('creates the ticket the first time and finds it afterwards', async () => {
    const zendesk = new FakeTickets();
    expect(await writeOnce(zendesk, aTicket(), quickSettle)).toEqual({ ticket_id: 1, created: true });
    expect(await writeOnce(zendesk, aTicket('second'), quickSettle)).toEqual({
      ticket_id: 1,
      created: false,
    });
    expect(zendesk.tickets.size).toBe(1);
  });

  it('finds the ticket whose creation answer was lost', async () => {
    const zendesk = new FakeTickets();
    zendesk.loseNextAnswer = true;
    expect(await writeOnce(zendesk, aTicket(), quickSettle)).toEqual({ ticket_id: 1, created: true });
    expect(zendesk.tickets.size).toBe(1);
  });

  it('waits for a ticket another delivery is writing when the key was used with another body', async () => {
    const zendesk = new FakeTickets();
    await writeOnce(zendesk, aTicket(), quickSettle);
    zendesk.hiddenLookups = 2; // the first look-up and one retry see nothing yet
    expect(await writeOnce(zendesk, aTicket('rerun'), quickSettle)).toEqual({ ticket_id: 1, created: false });
    expect(zendesk.tickets.size).toBe(1);
  });

  it('says "try again" when that ticket stays invisible, and never writes a second one', async () => {
    const zendesk = new FakeTickets();
    await writeOnce(zendesk, aTicket(), quickSettle);
    zendesk.hiddenLookups = 10;
    const error = await writeOnce(zendesk, aTicket('rerun'), quickSettle).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'audit_pending', retryable: true });
    expect(zendesk.tickets.size).toBe(1);
  });

  it('does not create when the look-up fails: the error is retryable', async () => {
    const zendesk = new FakeTickets();
    zendesk.failLookups = 1;
    const error = await writeOnce(zendesk, aTicket(), quickSettle).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'audit_unavailable', retryable: true });
    expect((error as Error).cause).toMatchObject({ code: 'zendesk_server_error' });
    expect(zendesk.tickets.size).toBe(0);
  });

  it('reports a ticket Zendesk refuses as not retryable', async () => {
    const zendesk = new FakeTickets();
    zendesk.failCreatesWith = 'rejected';
    const error = await writeOnce(zendesk, aTicket(), quickSettle).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'audit_rejected', retryable: false });
  });

  it('keeps the oldest ticket when several carry the external id', async () => {
    const zendesk = new FakeTickets();
    zendesk.tickets.set(9, aTicket().body);
    zendesk.tickets.set(4, aTicket().body);
    for (const id of [9, 4]) zendesk.submitters.set(id, zendesk.serviceId);
    expect(await writeOnce(zendesk, aTicket(), quickSettle)).toEqual({ ticket_id: 4, created: false });
  });

  it('ignores a ticket carrying the external id that somebody else submitted', async () => {
    const zendesk = new FakeTickets();
    zendesk.tickets.set(3, aTicket().body);
    zendesk.submitters.set(3, 77);
    const receipt = await writeOnce(zendesk, aTicket(), quickSettle);
    expect(receipt.created).toBe(true);
    expect(receipt.ticket_id).not.toBe(3);
  });
});
