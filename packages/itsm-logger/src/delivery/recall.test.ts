import { describe, expect, it } from 'vitest';
import { FakeTickets } from '../testing/fake-tickets.js';
import { anOutcome } from '../testing/outcomes.js';
import { buildAuditTicket } from '../ticket/audit-ticket.js';
import { zendeskLinks } from '../ticket/zendesk-links.js';
import { digestFromTags, outcomeFromTags, recallOutcome } from './recall.js';
import type { AuditTicketGateway } from './ticket-gateway.js';
import { writeOnce } from './write-once.js';

describe('recalling an audited step', () => {
  it('reads the outcome back from the ticket written for the step', async () => {
    const zendesk = new FakeTickets();
    const outcome = anOutcome({ outcome: 'already_done' });
    const context = { requester: 'api_user' as const, links: zendeskLinks('https://a.test'), settings: {} };
    const { ticket_id } = await writeOnce(zendesk, buildAuditTicket(outcome, context));
    expect(await recallOutcome(zendesk, outcome.step)).toEqual({
      ticket_id,
      outcome: 'already_done',
    });
  });

  it('answers a conflict for another event reusing the id (another digest), never done', async () => {
    const zendesk = new FakeTickets();
    const outcome = anOutcome();
    const context = { requester: 'api_user' as const, links: zendeskLinks('https://a.test'), settings: {} };
    const { ticket_id } = await writeOnce(zendesk, buildAuditTicket(outcome, context));
    const forged = { ...outcome.step, event_digest: 'f'.repeat(64) };
    expect(await recallOutcome(zendesk, forged)).toEqual({ ticket_id, outcome: 'succeeded', conflict: true });
  });

  it('trusts only tickets the service identity submitted that record a digest', async () => {
    const zendesk = new FakeTickets();
    const outcome = anOutcome();
    const context = { requester: 'api_user' as const, links: zendeskLinks('https://a.test'), settings: {} };
    const { body } = buildAuditTicket(outcome, context);
    zendesk.tickets.set(50, body);
    zendesk.submitters.set(50, 77); // planted by somebody else
    expect(await recallOutcome(zendesk, outcome.step)).toBeNull();
    const undigested = { ...body, tags: body.tags.filter((t) => !t.startsWith('event_digest_')) };
    zendesk.tickets.set(51, undigested);
    zendesk.submitters.set(51, zendesk.serviceId); // written before digests were recorded
    expect(await recallOutcome(zendesk, outcome.step)).toBeNull();
  });

  it('trusts no ticket when the gateway cannot name the service identity', async () => {
    const zendesk = new FakeTickets();
    const outcome = anOutcome();
    const context = { requester: 'api_user' as const, links: zendeskLinks('https://a.test'), settings: {} };
    await writeOnce(zendesk, buildAuditTicket(outcome, context));
    const anonymous: AuditTicketGateway = {
      findTickets: (id) => zendesk.findTickets(id),
      create: (body, key) => zendesk.create(body, key),
      update: (id, changes) => zendesk.update(id, changes),
      classifyCreateFailure: (error) => zendesk.classifyCreateFailure(error),
    };
    expect(await recallOutcome(zendesk, outcome.step)).not.toBeNull();
    expect(await recallOutcome(anonymous, outcome.step)).toBeNull();
  });

  it('reads one digest tag only', () => {
    expect(digestFromTags(['itsm_audit', 'event_digest_abc'])).toBe('abc');
    expect(digestFromTags(['event_digest_abc', 'event_digest_def'])).toBeNull();
    expect(digestFromTags(['itsm_audit'])).toBeNull();
  });

  it('finds nothing for a step never audited', async () => {
    expect(await recallOutcome(new FakeTickets(), anOutcome().step)).toBeNull();
  });

  it('trusts only a single outcome tag', () => {
    expect(outcomeFromTags(['itsm_audit', 'outcome_refused'])).toBe('refused');
    expect(outcomeFromTags(['itsm_audit'])).toBeNull();
    expect(outcomeFromTags(['outcome_failed', 'outcome_succeeded'])).toBeNull();
  });

  it('reads a dry run ticket as planned, even one an older version tagged outcome_succeeded', () => {
    expect(outcomeFromTags(['itsm_audit', 'outcome_planned', 'dry_run'])).toBe('planned');
    expect(outcomeFromTags(['itsm_audit', 'outcome_succeeded', 'dry_run'])).toBe('planned');
  });
});
