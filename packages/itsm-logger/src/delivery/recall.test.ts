import { describe, expect, it } from 'vitest';
import { FakeTickets } from '../testing/fake-tickets.js';
import { anOutcome } from '../testing/outcomes.js';
import { buildAuditTicket } from '../ticket/audit-ticket.js';
import { zendeskLinks } from '../ticket/zendesk-links.js';
import { outcomeFromTags, recallOutcome } from './recall.js';
import { writeOnce } from './write-once.js';

describe('recalling an audited step', () => {
  it('reads the outcome back from the ticket written for the step', async () => {
    const zendesk = new FakeTickets();
    const outcome = anOutcome({ outcome: 'already_done' });
    const context = { requester: 'api_user' as const, links: zendeskLinks('https://a.test'), settings: {} };
    const { ticket_id } = await writeOnce(zendesk, buildAuditTicket(outcome, context));
    expect(await recallOutcome(zendesk, outcome.step.idempotency_key)).toEqual({
      ticket_id,
      outcome: 'already_done',
    });
  });

  it('finds nothing for a step never audited', async () => {
    expect(await recallOutcome(new FakeTickets(), 'zl-unknown-0-suspend')).toBeNull();
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
