// Tickets: create (with Idempotency-Key), show, list by external id, requested/assigned per user, update,
// and update_many as an asynchronous job that refuses to change closed tickets; ticket lists and Update Ticket
// have endpoint rate limits of their own (S4, S20).
import { createHash } from 'node:crypto';
import { badRequest, HttpError, invalid, notFound, numericId, send, type Ctx, type Router } from '../http.js';
import { takeEndpoint, type EndpointLimits } from '../limits.js';
import { publicTicket, type Ticket, type TicketStatus } from '../model.js';
import { offsetPage, paginate } from '../pagination.js';
import type { SandboxState } from '../state.js';
import type { Jobs } from './jobs.js';

/** S17 #59: the words Zendesk uses when a closed ticket is updated. */
const CLOSED = 'Status closed prevents ticket update';

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
    if (found) return found.id;
    const created = state.addUser(
      { name: requester.name ?? requester.email, email: requester.email },
      state.searchLagMs,
    );
    return created.id;
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
  const ticket = state.addTicket(
    {
      subject: typeof input.subject === 'string' ? input.subject : (comment.body ?? '').slice(0, 80),
      description: comment.body ?? comment.html_body ?? '',
      requester_id: requesterId,
      submitter_id: typeof input.submitter_id === 'number' ? input.submitter_id : ctx.user!.id,
      assignee_id: typeof input.assignee_id === 'number' ? input.assignee_id : null,
      status: status === 'new' && typeof input.assignee_id === 'number' ? 'open' : status,
      priority: (input.priority as Ticket['priority']) ?? null,
      type: (input.type as string) ?? null,
      group_id:
        (input.group_id as number | undefined) ??
        (typeof input.assignee_id === 'number'
          ? (state.users.get(input.assignee_id)?.default_group_id ?? null)
          : null),
      ...(typeof input.brand_id === 'number' ? { brand_id: input.brand_id } : {}),
      ...(typeof input.ticket_form_id === 'number' ? { ticket_form_id: input.ticket_form_id } : {}),
      tags: Array.isArray(input.tags) ? (input.tags as string[]) : [],
      external_id: typeof input.external_id === 'string' ? input.external_id : null,
      custom_fields: Array.isArray(input.custom_fields)
        ? (input.custom_fields as Ticket['custom_fields'])
        : [],
    },
    state.searchLagMs,
  );
  state.addComment(ticket, comment, ctx.user!.id);
  return ticket;
}

export function ticketRoutes(router: Router, state: SandboxState, jobs: Jobs, limits: EndpointLimits): void {
  const listLimit = () => takeEndpoint(limits.ticketsIndex, 'tickets-index', 'List Tickets');
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
    const headers = listLimit();
    const externalId = ctx.query.get('external_id');
    if (externalId !== null) {
      // S1: external ids of tickets need not be unique; the sandbox compares them exactly (no source says
      // otherwise for tickets).
      const tickets = [...state.tickets.values()]
        .filter((t) => t.external_id === externalId)
        .map(publicTicket);
      return send(ctx, 200, offsetPage(ctx, 'tickets', tickets), headers);
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
      headers,
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
      const headers = listLimit();
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
        headers,
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
      // Update Many Tickets is its own endpoint: it does not count against Update Ticket's limit (sandbox choice).
      const job = jobs.start('update_many_tickets', ids.length, () =>
        ids.map((id) => {
          const ticket = state.tickets.get(id);
          const failed = (error: string, details: string) => ({
            id,
            action: 'update',
            error,
            details,
            success: false,
          });
          if (!ticket) return failed('TicketNotFound', 'Ticket not found');
          if (ticket.status === 'closed') return failed('TicketUpdateFailed', CLOSED);
          if (applyTicketChanges(state, ticket, changes)) state.indexTicket(ticket);
          return { id, action: 'update', success: true, status: 'Updated' };
        }),
      );
      ctx.changed = true;
      send(ctx, 200, { job_status: job });
    },
    { adminOnly: true },
  );
  router.on('PUT /tickets/:id', (ctx) => {
    // S20: Update Ticket, 100 per minute account-wide. Zendesk names no header for it; none is sent.
    takeEndpoint(limits.updateTicket, null, 'Update Ticket');
    const ticket = state.tickets.get(numericId(ctx.params.id));
    if (!ticket) throw notFound();
    if (ticket.status === 'closed') throw invalid('status', CLOSED);
    const input = ticketInput(ctx);
    ctx.changed = applyTicketChanges(state, ticket, input);
    // OpenAPI TicketUpdateInput: `comment` (TicketCommentObject) adds a comment to the ticket.
    const comment = input.comment as { body?: string; html_body?: string; public?: boolean } | undefined;
    if (comment && (comment.body || comment.html_body)) {
      state.addComment(ticket, comment, ctx.user!.id);
      ticket.updated_at = state.now();
      ctx.changed = true;
    }
    if (ctx.changed) state.indexTicket(ticket);
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
  // Custom field values are set one by one (by field id); fields not named keep their values.
  if (Array.isArray(changes.custom_fields)) {
    for (const { id, value } of changes.custom_fields as Ticket['custom_fields']) {
      const existing = ticket.custom_fields.find((f) => f.id === id);
      if (existing) existing.value = value;
      else ticket.custom_fields.push({ id, value });
    }
  }
  // An assignee outside the ticket's group brings the ticket to their default group, as the agent UI does.
  if (typeof changes.assignee_id === 'number' && changes.group_id === undefined) {
    const inGroup =
      ticket.group_id !== null && state.groupMembers(ticket.group_id).includes(changes.assignee_id);
    if (!inGroup) ticket.group_id = state.users.get(changes.assignee_id)?.default_group_id ?? ticket.group_id;
  }
  const changed = JSON.stringify(ticket) !== before;
  if (changed) ticket.updated_at = state.now();
  return changed;
}
