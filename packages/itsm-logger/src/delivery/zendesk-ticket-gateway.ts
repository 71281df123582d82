// The ticket gateway over a zendesk-client client: its ticket calls, and what its typed errors mean for an
// audit ticket. Zendesk answers a reused Idempotency-Key with another body by 400 IdempotentRequestError
// (confirmed in Zendesk's API reference and client libraries); the client reports it as a 400 `zendesk_invalid`.
import { LifecycleError } from '@zendesk-lifecycle/core';
import type { AuditTicketBody } from '../ticket/audit-ticket.js';
import type { AuditTicketGateway, CreateFailure, FoundTicket } from './ticket-gateway.js';

/** The part of zendesk-client's ZendeskClient the logger uses; a ZendeskClient is one. */
export interface AuditZendeskClient {
  readonly config: { origin: string };
  createTicket(
    ticket: Record<string, unknown>,
    options: { idempotencyKey?: string },
  ): Promise<{ ticket: { id: number }; replayed: boolean }>;
  updateTicket(id: number, changes: Record<string, unknown>): Promise<unknown>;
  findTicketsByExternalId(
    externalId: string,
  ): Promise<Array<{ id: number; tags: string[]; submitter_id?: unknown }>>;
  /** The authenticated API user (GET /users/me): assignee of solved audit tickets when none is configured. */
  serviceUser?(): Promise<{ id: number }>;
  /** Ticket search (GET /search): undo reads a user's audit tickets back with it. */
  searchTickets?(
    query: string,
    options?: { sortBy?: 'created_at' | 'updated_at'; sortOrder?: 'asc' | 'desc' },
  ): Promise<
    Array<{ id: number; tags: string[]; submitter_id?: unknown; description?: unknown; created_at?: unknown }>
  >;
}

function statusOf(error: unknown): number | null {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : null;
}

function zendeskErrorName(error: unknown): unknown {
  const body = (error as { body?: unknown } | null)?.body;
  return typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
}

/**
 * - the key reused with another body (400 IdempotentRequestError), or a create still in flight (409): key_reused;
 * - validation (other 4xx, 404): rejected, sending the same ticket again changes nothing;
 * - everything else (429, 5xx, network, timeout, 401/403, unknown): unavailable. Credentials and permissions
 *   are fixed by an operator without touching the event, so holding the outcome until then loses nothing.
 */
export function classifyCreateFailure(error: unknown): CreateFailure {
  const status = statusOf(error);
  if (status === 409 || (status === 400 && zendeskErrorName(error) === 'IdempotentRequestError')) {
    return 'key_reused';
  }
  if (status === 401 || status === 403) return 'unavailable';
  if (error instanceof LifecycleError && error.retryable) return 'unavailable';
  if (status !== null && status >= 400 && status < 500) return 'rejected';
  return 'unavailable';
}

/** The gateway writing audit tickets through `client`. */
export function zendeskTicketGateway(client: AuditZendeskClient): AuditTicketGateway {
  return {
    async findTickets(externalId: string): Promise<FoundTicket[]> {
      const tickets = await client.findTicketsByExternalId(externalId);
      return tickets.map(({ id, tags, submitter_id }) => ({
        id,
        tags: Array.isArray(tags) ? tags : [],
        submitter_id: typeof submitter_id === 'number' ? submitter_id : null,
      }));
    },
    async create(body: AuditTicketBody, idempotencyKey: string) {
      const { ticket, replayed } = await client.createTicket({ ...body }, { idempotencyKey });
      return { id: ticket.id, replayed };
    },
    async update(id: number, changes: Partial<AuditTicketBody>) {
      await client.updateTicket(id, { ...changes });
    },
    classifyCreateFailure,
    ...(client.serviceUser ? { serviceUserId: async () => (await client.serviceUser!()).id } : {}),
    ...(client.searchTickets
      ? {
          async searchTickets(query: string): Promise<FoundTicket[]> {
            const found = await client.searchTickets!(query, { sortBy: 'created_at', sortOrder: 'desc' });
            return found.map(({ id, tags, submitter_id, description, created_at }) => ({
              id,
              tags: Array.isArray(tags) ? tags : [],
              submitter_id: typeof submitter_id === 'number' ? submitter_id : null,
              ...(typeof description === 'string' ? { description } : {}),
              ...(typeof created_at === 'string' ? { created_at } : {}),
            }));
          },
        }
      : {}),
  };
}
