// An in-memory stand-in for the ticket gateway (our own port, not HTTP), for the decision logic of the write.
import { LifecycleError } from '@zendesk-lifecycle/core';
import type {
  AuditTicketGateway,
  CreateFailure,
  CreatedTicket,
  FoundTicket,
} from '../delivery/ticket-gateway.js';
import type { AuditTicketBody } from '../ticket/audit-ticket.js';

/** A failed creation the fake classifies as it was told (a real gateway reads Zendesk's status and body). */
class CreateFailed extends Error {
  constructor(readonly failure: CreateFailure) {
    super(failure);
  }
}

// Zendesk tickets with Zendesk's idempotency rules, and switches for the failures the write must survive.
export class FakeTickets implements AuditTicketGateway {
  tickets = new Map<number, AuditTicketBody>();
  /** Who submitted each ticket: the service identity, unless a test plants one from somebody else. */
  submitters = new Map<number, number>();
  /** The identity this gateway writes as (GET /users/me). */
  serviceId = 900;
  keys = new Map<string, { body: string; id: number }>();
  nextId = 1;
  failLookups = 0;
  loseNextAnswer = false;
  failCreatesWith: CreateFailure | null = null;
  /** A ticket written by another delivery only becomes visible after this many look-ups. */
  hiddenLookups = 0;

  async findTickets(externalId: string): Promise<FoundTicket[]> {
    if (this.failLookups > 0) {
      this.failLookups -= 1;
      throw new LifecycleError('zendesk_server_error', 'Zendesk answered 503', { retryable: true });
    }
    if (this.hiddenLookups > 0) {
      this.hiddenLookups -= 1;
      return [];
    }
    return [...this.tickets]
      .filter(([, body]) => body.external_id === externalId)
      .map(([id, body]) => ({ id, tags: body.tags, submitter_id: this.submitters.get(id) ?? null }));
  }

  async create(body: AuditTicketBody, key: string): Promise<CreatedTicket> {
    if (this.failCreatesWith !== null) throw new CreateFailed(this.failCreatesWith);
    const earlier = this.keys.get(key);
    if (earlier !== undefined && earlier.body !== JSON.stringify(body)) {
      throw new CreateFailed('key_reused');
    }
    if (earlier !== undefined) return { id: earlier.id, replayed: true };
    const id = this.nextId++;
    this.tickets.set(id, body);
    this.submitters.set(id, this.serviceId);
    this.keys.set(key, { body: JSON.stringify(body), id });
    if (this.loseNextAnswer) {
      this.loseNextAnswer = false;
      throw new LifecycleError('zendesk_network_error', 'socket hang up', { retryable: true });
    }
    return { id, replayed: false };
  }

  async update(id: number, changes: Partial<AuditTicketBody>): Promise<void> {
    const ticket = this.tickets.get(id);
    if (!ticket) throw new LifecycleError('zendesk_not_found', `no ticket ${id}`, { retryable: false });
    this.tickets.set(id, { ...ticket, ...changes });
  }

  async serviceUserId(): Promise<number> {
    return this.serviceId;
  }

  classifyCreateFailure(error: unknown): CreateFailure {
    return error instanceof CreateFailed ? error.failure : 'unavailable';
  }
}
