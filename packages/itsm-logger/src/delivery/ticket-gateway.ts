// The Zendesk calls the exactly-once write needs, and what a failed creation means. The zendesk-client
// adapter implements it; keeping it this small keeps the write logic readable and independent of HTTP.
import type { AuditTicketBody } from '../ticket/audit-ticket.js';

/**
 * What a failed creation means for the audit trail:
 * - `key_reused`: Zendesk already saw this Idempotency-Key with another body (an earlier delivery of the step);
 * - `unavailable`: Zendesk could not be reached or answered with a transient error; the ticket may exist;
 * - `rejected`: Zendesk refused this ticket (validation); sending it again changes nothing.
 */
export type CreateFailure = 'key_reused' | 'unavailable' | 'rejected';

export interface CreatedTicket {
  id: number;
  /** true when Zendesk answered from its idempotency record instead of creating a ticket. */
  replayed: boolean;
}

/** A ticket found by its external id: enough to name it, to read the outcome it records and who wrote it. */
export interface FoundTicket {
  id: number;
  tags: string[];
  /** Who submitted it (for a ticket created through the API: the authenticated user); null when not given. */
  submitter_id: number | null;
  /** The first comment as plain text (search results carry it): the prior-state record is read from it. */
  description?: string;
  created_at?: string;
}

export interface AuditTicketGateway {
  /** The tickets carrying `externalId`, in any order. */
  findTickets(externalId: string): Promise<FoundTicket[]>;
  create(body: AuditTicketBody, idempotencyKey: string): Promise<CreatedTicket>;
  /** Completes an in-progress ticket: its new subject, status, tags and routing, and the comment added. */
  update(id: number, changes: Partial<AuditTicketBody>): Promise<void>;
  classifyCreateFailure(error: unknown): CreateFailure;
  /**
   * Tickets matching a Zendesk search query (`GET /search`), newest first; the index lags minutes behind (S16).
   * Without it, the audit trail cannot read prior states back (undo is refused).
   */
  searchTickets?(query: string): Promise<FoundTicket[]>;
  /**
   * The user id of the identity writing the tickets, when the gateway can tell: assignee of solved tickets, and
   * the only submitter whose tickets recall trusts (without it, recall trusts no ticket).
   */
  serviceUserId?(): Promise<number>;
}
