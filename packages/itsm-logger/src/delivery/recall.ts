// Reads back what the audit trail says about a step. The executor asks before acting, so that a redelivered
// event skips the steps already audited instead of acting (and auditing) again. Only a ticket the service
// identity submitted counts, and only for the event whose digest it records: another digest is a conflict.
import type { Outcome, RecalledOutcome, StepIdentity } from '@zendesk-lifecycle/core';
import { auditExternalId, EVENT_DIGEST_TAG_PREFIX } from '../ticket/ticket-keys.js';
import { DRY_RUN_TAG } from '../ticket/tags.js';
import type { AuditTicketGateway } from './ticket-gateway.js';
import { findAuditTicket, serviceIdentity } from './write-once.js';

const OUTCOME_BY_TAG: ReadonlyMap<string, Outcome> = new Map<string, Outcome>([
  ['outcome_succeeded', 'succeeded'],
  ['outcome_already_done', 'already_done'],
  ['outcome_refused', 'refused'],
  ['outcome_failed', 'failed'],
  ['outcome_planned', 'planned'],
  ['outcome_cancelled', 'cancelled'],
]);

/**
 * The one outcome a ticket's tags record; null when none or several (edited by hand: trust neither). A dry run's
 * ticket is always `planned`, whatever its outcome tag says (dry runs once wrote `outcome_succeeded`): the
 * executor never takes `planned` for done in a live run.
 */
export function outcomeFromTags(tags: readonly string[]): Outcome | null {
  if (tags.includes(DRY_RUN_TAG)) return 'planned';
  const outcomes = new Set(tags.flatMap((tag) => OUTCOME_BY_TAG.get(tag) ?? []));
  return outcomes.size === 1 ? ([...outcomes][0] ?? null) : null;
}

/** The one event digest a ticket's tags record; null when none or several. */
export function digestFromTags(tags: readonly string[]): string | null {
  const digests = new Set(
    tags.flatMap((tag) =>
      tag.startsWith(EVENT_DIGEST_TAG_PREFIX) ? [tag.slice(EVENT_DIGEST_TAG_PREFIX.length)] : [],
    ),
  );
  return digests.size === 1 ? ([...digests][0] ?? null) : null;
}

/** The tag of a ticket opened before an irreversible action and not completed yet: recall takes it for nothing. */
export const IN_PROGRESS_TAG = 'outcome_in_progress';

/**
 * The audited outcome of `step`, found under its audit key, or null when no ticket records it. Null also for a
 * ticket the service identity did not submit (or when the gateway cannot name that identity), and for one whose
 * outcome or digest cannot be read (written before digests were recorded, or edited by hand): acting again is
 * safe (actions are idempotent). A ticket recording another digest comes back with `conflict: true`. An in-progress
 * ticket of this event (opened before an irreversible action) is not done either: null, and `onInProgress` is told
 * its id, so that the step's record completes that ticket instead of writing another.
 */
export async function recallOutcome(
  gateway: AuditTicketGateway,
  step: StepIdentity,
  onInProgress: (ticketId: number, sameEvent: boolean) => void = () => {},
): Promise<RecalledOutcome | null> {
  const service = await serviceIdentity(gateway);
  if (service === null) return null;
  const ticket = await findAuditTicket(gateway, auditExternalId(step.audit_key), service);
  if (ticket === null) return null;
  if (ticket.tags.includes(IN_PROGRESS_TAG)) {
    onInProgress(ticket.id, digestFromTags(ticket.tags) === step.event_digest);
    return null;
  }
  const outcome = outcomeFromTags(ticket.tags);
  const digest = digestFromTags(ticket.tags);
  if (outcome === null || digest === null) return null;
  return digest === step.event_digest
    ? { ticket_id: ticket.id, outcome }
    : { ticket_id: ticket.id, outcome, conflict: true };
}
