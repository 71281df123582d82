// Tickets: create (with Idempotency-Key), show, list by external id, requested/assigned per user, update,
// and update_many as an asynchronous job that refuses to change closed tickets.
import { createHash } from 'node:crypto';
import { badRequest, HttpError, invalid, notFound, numericId, send, type Ctx, type Router } from '../http.js';
import { publicTicket, type Ticket, type TicketStatus } from '../model.js';
import { paginate } from '../pagination.js';
import type { SandboxState } from '../state.js';
import type { Jobs } from './jobs.js';

const STATUSES: TicketStatus[] = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];
const IDEMPOTENCY_TTL_MS = 2 * 60 * 60 * 1000;

function ticketInput(ctx: Ctx): Record<string, unknown> {
  const ticket = (ctx.body as { ticket?: unknown } | null)?.ticket;
  if (typeof ticket !== 'object' || ticket === null)
    throw badRequest('InvalidValue', 'the body needs a "ticket" object');
  return ticket as Record<string, unknown>;
}

function requesterOf(state: SandboxState, input: Record<string, unknown>, fallback: number): number {
  if (typeof input.requester_id === 'number') {
    if (!state.users.has(input.requester_id)) throw invalid('requester', 'Requester: not found');
    return input.requester_id;
  }
  const requester = input.requester as { email?: string; name?: string } | undefined;
  if (requester?.email) {
    const found = state.findUserByEmail(requester.email);
    return (found ?? state.addUser({ name: requester.name ?? requester.email, email: requester.email })).id;
  }
  return fallback;
}

function createTicket(ctx: Ctx, state: SandboxState): Ticket {
  const input = ticketInput(ctx);
  const comment = input.comment as { body?: string; html_body?: string; public?: boolean } | undefined;
  if (!comment || (!comment.body && !comment.html_body))
    throw invalid('description', 'Description: cannot be blank', 'BlankValue');
  const status = (input.status as TicketStatus | undefined) ?? 'new';
  if (!STATUSES.includes(status)) throw invalid('status', `Status: ${String(status)} is not valid`);
  const requesterId = requesterOf(state, input, ctx.user!.id);
  const ticket = state.addTicket({
    subject: typeof input.subject === 'string' ? input.subject : (comment.body ?? '').slice(0, 80),
    description: comment.body ?? comment.html_body ?? '',
    requester_id: requesterId,
    submitter_id: typeof input.submitter_id === 'number' ? input.submitter_id : ctx.user!.id,
    assignee_id: typeof input.assignee_id === 'number' ? input.assignee_id : null,
    status: status === 'new' && typeof input.assignee_id === 'number' ? 'open' : status,
    priority: (input.priority as Ticket['priority']) ?? null,
    type: (input.type as string) ?? null,
    group_id: (input.group_id as number) ?? null,
    brand_id: (input.brand_id as number) ?? null,
    ticket_form_id: (input.ticket_form_id as number) ?? null,
    tags: Array.isArray(input.tags) ? (input.tags as string[]) : [],
    external_id: typeof input.external_id === 'string' ? input.external_id : null,
    custom_fields: Array.isArray(input.custom_fields) ? (input.custom_fields as Ticket['custom_fields']) : [],
  });
  state.addComment(ticket, comment, ctx.user!.id);
  return ticket;
}

export function ticketRoutes(router: Router, state: SandboxState, jobs: Jobs): void {
  router.on('POST /tickets', (ctx) => {
    const key = ctx.req.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') {
      const ticket = createTicket(ctx, state);
      ctx.changed = true;
      return send(ctx, 201, { ticket: publicTicket(ticket), audit: { ticket_id: ticket.id, events: [] } });
    }
    const bodyHash = createHash('sha256').update(ctx.rawBody).digest('hex');
    const record = state.idempotency.get(key);
    if (record && record.expiresAt > Date.now()) {
      if (record.bodyHash !== bodyHash) {
        throw new HttpError(400, {
          error: 'IdempotentRequestError',
          description: 'Idempotency key has already been used with a different request body',
        });
      }
      const ticket = state.tickets.get(record.ticketId);
      if (ticket) {
        return send(
          ctx,
          201,
          { ticket: publicTicket(ticket), audit: { ticket_id: ticket.id, events: [] } },
          { 'x-idempotency-lookup': 'hit' },
        );
      }
    }
    const ticket = createTicket(ctx, state);
    state.idempotency.set(key, { bodyHash, ticketId: ticket.id, expiresAt: Date.now() + IDEMPOTENCY_TTL_MS });
    ctx.changed = true;
    send(
      ctx,
      201,
      { ticket: publicTicket(ticket), audit: { ticket_id: ticket.id, events: [] } },
      { 'x-idempotency-lookup': 'miss' },
    );
  });

  router.on('GET /tickets', (ctx) => {
    const externalId = ctx.query.get('external_id');
    if (externalId !== null) {
      const tickets = [...state.tickets.values()]
        .filter((t) => t.external_id === externalId)
        .map(publicTicket);
      return send(ctx, 200, { tickets, count: tickets.length, next_page: null, previous_page: null });
    }
    send(
      ctx,
      200,
      paginate(
        ctx,
        'tickets',
        state.ticketIds,
        (id) => {
          const t = state.tickets.get(id);
          return t && publicTicket(t);
        },
        () => true,
      ),
    );
  });
  router.on('GET /tickets/:id', (ctx) => {
    const ticket = state.tickets.get(numericId(ctx.params.id));
    if (!ticket) throw notFound();
    send(ctx, 200, { ticket: publicTicket(ticket) });
  });
  for (const [kind, field] of [
    ['requested', 'requester_id'],
    ['assigned', 'assignee_id'],
  ] as const) {
    router.on(`GET /users/:id/tickets/${kind}`, (ctx) => {
      const userId = numericId(ctx.params.id);
      if (!state.users.has(userId) && !state.deletedUsers.has(userId)) throw notFound();
      const get = (id: number) => {
        const t = state.tickets.get(id);
        return t && publicTicket(t);
      };
      send(
        ctx,
        200,
        paginate(ctx, 'tickets', state.ticketIds, get, (t) => t[field] === userId),
      );
    });
  }
  router.on(
    'PUT /tickets/update_many',
    (ctx) => {
      const ids = (ctx.query.get('ids') ?? '').split(',').filter(Boolean).map(Number);
      if (ids.length === 0 || ids.length > 100)
        throw badRequest('InvalidValue', 'update_many takes 1 to 100 ids');
      const changes = ticketInput(ctx);
      if (typeof changes.requester_id === 'number' && !state.users.has(changes.requester_id))
        throw invalid('requester', 'Requester: not found');
      ctx.changed = true;
      send(ctx, 200, {
        job_status: jobs.start(ids.length, () =>
          ids.map((id) => {
            const ticket = state.tickets.get(id);
            if (!ticket) return { id, success: false, error: 'TicketNotFound', details: 'Ticket not found' };
            if (ticket.status === 'closed')
              return {
                id,
                success: false,
                error: 'TicketUpdateFailed',
                details: 'Status: closed prevents ticket update',
              };
            applyTicketChanges(state, ticket, changes);
            return { id, action: 'update', success: true, status: 'Updated' };
          }),
        ),
      });
    },
    { adminOnly: true },
  );
  router.on('PUT /tickets/:id', (ctx) => {
    const ticket = state.tickets.get(numericId(ctx.params.id));
    if (!ticket) throw notFound();
    if (ticket.status === 'closed') throw invalid('status', 'Status: closed prevents ticket update');
    ctx.changed = applyTicketChanges(state, ticket, ticketInput(ctx));
    send(ctx, 200, { ticket: publicTicket(ticket) });
  });
}

function applyTicketChanges(state: SandboxState, ticket: Ticket, changes: Record<string, unknown>): boolean {
  const before = JSON.stringify(ticket);
  for (const field of [
    'requester_id',
    'assignee_id',
    'status',
    'priority',
    'subject',
    'tags',
    'group_id',
    'external_id',
  ] as const) {
    if (changes[field] !== undefined) (ticket as unknown as Record<string, unknown>)[field] = changes[field];
  }
  const changed = JSON.stringify(ticket) !== before;
  if (changed) ticket.updated_at = state.now();
  return changed;
}
