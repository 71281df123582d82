// Undo's question to the audit trail: the user's state before the most recent lifecycle event that changed it.
// The user's audit tickets are found by search (`type:ticket tags:zl_user_<id>`); only tickets the service
// identity submitted count (as for recall), only succeeded downgrade, suspend and deprovision steps of live runs
// that are not reversals; of the newest such event, the state before its first step is the answer.
import {
  LifecycleError,
  STATE_CHANGING_ACTIONS,
  type ActionName,
  type PriorState,
} from '@zendesk-lifecycle/core';
import { readPriorStateRecord, type PriorStateRecord } from '../ticket/prior-state-record.js';
import { AUDIT_TAG, DRY_RUN_TAG, userTag } from '../ticket/tags.js';
import { digestFromTags, outcomeFromTags } from './recall.js';
import type { AuditTicketGateway, FoundTicket } from './ticket-gateway.js';
import { serviceIdentity } from './write-once.js';

const CHANGES = new Set<string>(STATE_CHANGING_ACTIONS.map((a) => `action_${a}`));

interface Candidate {
  ticket: FoundTicket;
  digest: string;
  record: PriorStateRecord;
}

function candidate(ticket: FoundTicket, userId: number, service: number): Candidate | null {
  const { tags } = ticket;
  if (ticket.submitter_id !== service || !tags.includes(AUDIT_TAG)) return null;
  if (tags.includes(DRY_RUN_TAG) || tags.includes('variant_reversal')) return null;
  if (!tags.some((t) => CHANGES.has(t)) || outcomeFromTags(tags) !== 'succeeded') return null;
  const digest = digestFromTags(tags);
  const record = readPriorStateRecord(ticket.description ?? '');
  if (digest === null || record === null || record.user_id !== userId) return null;
  if (!(STATE_CHANGING_ACTIONS as readonly string[]).includes(record.action)) return null;
  return { ticket, digest, record };
}

const newer = (a: Candidate, b: Candidate): boolean => {
  const at = a.ticket.created_at ?? '';
  const bt = b.ticket.created_at ?? '';
  return at === bt ? a.ticket.id > b.ticket.id : at > bt;
};

/** The state before the user's last recorded change, or null when the trail holds none (or cannot search). */
export async function readPriorState(
  gateway: AuditTicketGateway,
  userId: number,
): Promise<PriorState | null> {
  if (!gateway.searchTickets) return null;
  const service = await serviceIdentity(gateway);
  if (service === null) return null;
  let tickets: FoundTicket[];
  try {
    tickets = await gateway.searchTickets(`type:ticket tags:${userTag(userId)}`);
  } catch (error) {
    const wait = error instanceof LifecycleError ? error.retryAfterSeconds : undefined;
    throw new LifecycleError('audit_unavailable', `could not search the audit tickets of user ${userId}`, {
      retryable: true,
      cause: error,
      ...(wait === undefined ? {} : { retryAfterSeconds: wait }),
    });
  }
  const found = tickets.flatMap((t) => candidate(t, userId, service) ?? []);
  const latest = found.reduce<Candidate | null>(
    (best, c) => (best === null || newer(c, best) ? c : best),
    null,
  );
  if (latest === null) return null;
  const first = found
    .filter((c) => c.digest === latest.digest)
    .sort((a, b) => a.record.step_index - b.record.step_index)[0]!;
  return {
    ...first.record.state,
    ...(first.record.identity ? { identity: first.record.identity } : {}),
    recorded_in: {
      ticket_id: first.ticket.id,
      event_id: first.record.event_id,
      action: first.record.action as ActionName,
    },
  };
}
