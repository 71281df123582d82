// The related-tickets part of an audit comment: where a data transfer moved tickets, which it left alone, who took
// over the open tickets assigned to the user before it stopped being an agent, and which were still assigned. Lists are capped: a user can own thousands of tickets, and a
// Zendesk comment has a size limit.
import { text, type Block, type Fact, type Phrase } from './document.js';
import { oneLine } from './untrusted-text.js';
import type { ZendeskLinks } from './zendesk-links.js';
import type { AuditedStep } from './audited-step.js';

/** How many tickets a list shows before it says "and N more". */
export const MAX_LISTED_TICKETS = 100;

function ticketList(tickets: Array<{ id: number; note?: string }>, links: ZendeskLinks): Phrase[] {
  if (tickets.length === 0) return [text('(none)')];
  const shown = tickets.slice(0, MAX_LISTED_TICKETS).map(({ id, note }) => ({
    text: note === undefined ? `#${id}` : `#${id} (${oneLine(note, 200)})`,
    href: links.ticket(id),
  }));
  const hidden = tickets.length - shown.length;
  return hidden > 0 ? [...shown, text(`and ${hidden} more`)] : shown;
}

function transferFacts(outcome: AuditedStep, links: ZendeskLinks): Fact[] {
  const transfer = outcome.transfer;
  if (transfer === undefined) return [];
  const destination = transfer.destination_id;
  const facts: Fact[] = [
    { label: 'Transferred to user', value: [{ text: String(destination), href: links.user(destination) }] },
    {
      label: 'Moved',
      value: ticketList(
        transfer.moved.map((id) => ({ id })),
        links,
      ),
    },
  ];
  if (transfer.skipped.length > 0) {
    const skipped = transfer.skipped.map(({ id, reason }) => ({ id, note: reason }));
    facts.push({ label: 'Left as they were', value: ticketList(skipped, links) });
  }
  if (transfer.failed.length > 0) {
    const failed = transfer.failed.map(({ id, error }) => ({ id, note: error }));
    facts.push({ label: 'Could not be moved', value: ticketList(failed, links) });
  }
  return facts;
}

function reassignmentFacts(outcome: AuditedStep, links: ZendeskLinks): Fact[] {
  const reassignment = outcome.reassignment;
  if (reassignment === undefined) return [];
  const to = reassignment.to;
  const facts: Fact[] = [
    'assignee_id' in to
      ? {
          label: 'Open assigned tickets reassigned to agent',
          value: [{ text: String(to.assignee_id), href: links.user(to.assignee_id) }],
        }
      : { label: 'Open assigned tickets reassigned to group', value: [text(String(to.group_id))] },
    {
      label: 'Reassigned',
      value: ticketList(
        reassignment.moved.map((id) => ({ id })),
        links,
      ),
    },
  ];
  if (reassignment.failed.length > 0) {
    const failed = reassignment.failed.map(({ id, error }) => ({ id, note: error }));
    facts.push({ label: 'Could not be reassigned', value: ticketList(failed, links) });
  }
  return facts;
}

/** The "Related tickets" block, or null when the action touched no tickets. */
export function relatedTicketsBlock(outcome: AuditedStep, links: ZendeskLinks): Block | null {
  const facts = [...transferFacts(outcome, links), ...reassignmentFacts(outcome, links)];
  const assigned = outcome.assigned_ticket_ids ?? [];
  if (assigned.length > 0) {
    const value = ticketList(
      assigned.map((id) => ({ id })),
      links,
    );
    facts.push({ label: 'Still assigned to the user', value });
  }
  return facts.length === 0 ? null : { kind: 'facts', title: 'Related tickets', facts };
}
