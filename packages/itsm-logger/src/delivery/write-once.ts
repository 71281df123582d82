// Writes one audit ticket per step, however often the step is delivered. Three layers, each covering the gaps
// of the one before:
// 1. look the ticket up by external id first: a redelivery hours or days later finds it (skipped when the caller
//    has just looked and found none: the executor recalls every step before acting);
// 2. create with an Idempotency-Key: two deliveries racing, or a retry after a lost answer, get one ticket;
// 3. when the key was already used with another body (a redelivery that re-ran the step has new request ids),
//    or the answer to the create was lost, look the ticket up again instead of creating a second one.
// Whenever none of this can conclude, the error is retryable: an outcome is never dropped.
import type { AuditReceipt } from '@zendesk-lifecycle/core';
import type { AuditTicket } from '../ticket/audit-ticket.js';
import { auditPending, auditRejected, auditUnavailable } from './audit-errors.js';
import type { AuditTicketGateway, FoundTicket } from './ticket-gateway.js';

/** How long to wait for a ticket written by another delivery to become visible. */
export interface SettlePolicy {
  /** Look-ups after Zendesk reports the key in use, before giving up with a retryable error. */
  attempts: number;
  /** Pause between those look-ups. */
  delayMs: number;
}

export const DEFAULT_SETTLE_POLICY: SettlePolicy = { attempts: 4, delayMs: 500 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The user id the gateway writes as (null when it cannot tell). Throws a retryable error when Zendesk cannot say.
 */
export async function serviceIdentity(gateway: AuditTicketGateway): Promise<number | null> {
  if (gateway.serviceUserId === undefined) return null;
  try {
    return await gateway.serviceUserId();
  } catch (error) {
    throw auditUnavailable(error);
  }
}

/**
 * The oldest ticket with this external id, or null; with `submitter`, only tickets that identity submitted count
 * (anybody able to create tickets can set an external id). Throws a retryable error when Zendesk cannot be read.
 */
export async function findAuditTicket(
  gateway: AuditTicketGateway,
  externalId: string,
  submitter: number | null = null,
): Promise<FoundTicket | null> {
  let found: FoundTicket[];
  try {
    found = await gateway.findTickets(externalId);
  } catch (error) {
    throw auditUnavailable(error);
  }
  if (submitter !== null) found = found.filter((t) => t.submitter_id === submitter);
  // Several tickets can only come from outside this logger (or from before it); the first one written counts.
  return found.reduce<FoundTicket | null>(
    (oldest, t) => (oldest === null || t.id < oldest.id ? t : oldest),
    null,
  );
}

async function findExisting(gateway: AuditTicketGateway, externalId: string): Promise<number | null> {
  return (await findAuditTicket(gateway, externalId, await serviceIdentity(gateway)))?.id ?? null;
}

/** Like findExisting, but a failed look-up counts as "not found yet": the caller has a better error to report. */
async function findExistingQuietly(gateway: AuditTicketGateway, externalId: string): Promise<number | null> {
  try {
    return await findExisting(gateway, externalId);
  } catch {
    return null;
  }
}

async function recover(
  gateway: AuditTicketGateway,
  ticket: AuditTicket,
  error: unknown,
  settle: SettlePolicy,
): Promise<AuditReceipt> {
  const failure = gateway.classifyCreateFailure(error);
  if (failure === 'rejected') throw auditRejected(error);
  const attempts = failure === 'key_reused' ? Math.max(1, settle.attempts) : 1;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (attempt > 0) await sleep(settle.delayMs);
    const found = await findExistingQuietly(gateway, ticket.externalId);
    // A reused key means an earlier delivery wrote it; after a lost answer, it was most likely this call.
    if (found !== null) return { ticket_id: found, created: failure !== 'key_reused' };
  }
  if (failure === 'unavailable') throw auditUnavailable(error);
  throw auditPending(error, Math.max(1, Math.ceil(settle.delayMs / 1000)));
}

/** Writes `ticket` unless a ticket with its external id exists; either way returns that one ticket. */
export async function writeOnce(
  gateway: AuditTicketGateway,
  ticket: AuditTicket,
  settle: SettlePolicy = DEFAULT_SETTLE_POLICY,
  options: { lookedUpJustNow?: boolean } = {},
): Promise<AuditReceipt> {
  if (!options.lookedUpJustNow) {
    const existing = await findExisting(gateway, ticket.externalId);
    if (existing !== null) return { ticket_id: existing, created: false };
  }
  try {
    const created = await gateway.create(ticket.body, ticket.idempotencyKey);
    return { ticket_id: created.id, created: !created.replayed };
  } catch (error) {
    return recover(gateway, ticket, error, settle);
  }
}
