// Reads back what the audit trail says about a step. The executor asks before acting, so that a redelivered
// event skips the steps already audited instead of acting (and auditing) again.
import type { Outcome, RecalledOutcome } from '@zendesk-lifecycle/core';
import { auditExternalId } from '../ticket/ticket-keys.js';
import { DRY_RUN_TAG } from '../ticket/tags.js';
import type { AuditTicketGateway } from './ticket-gateway.js';
import { findAuditTicket } from './write-once.js';

const OUTCOME_BY_TAG: ReadonlyMap<string, Outcome> = new Map<string, Outcome>([
  ['outcome_succeeded', 'succeeded'],
  ['outcome_already_done', 'already_done'],
  ['outcome_refused', 'refused'],
  ['outcome_failed', 'failed'],
  ['outcome_planned', 'planned'],
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

/**
 * The audited outcome of the step with `stepKey`, or null when no ticket records it. A ticket whose outcome
 * cannot be read also gives null: acting again is safe (actions are idempotent) and finds the same ticket.
 */
export async function recallOutcome(
  gateway: AuditTicketGateway,
  stepKey: string,
): Promise<RecalledOutcome | null> {
  const ticket = await findAuditTicket(gateway, auditExternalId(stepKey));
  if (ticket === null) return null;
  const outcome = outcomeFromTags(ticket.tags);
  return outcome === null ? null : { ticket_id: ticket.id, outcome };
}
