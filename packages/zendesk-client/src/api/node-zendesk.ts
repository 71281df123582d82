// The one seam with node-zendesk: the calls its public, documented methods make well (users.me/show/update/delete,
// groups.show, groupmemberships.create, ticketfields.show, brand.show, ticketforms.show, tickets.create/update/
// updateMany, jobstatuses.show, customagentroles.list), sent through our transport.
// node-zendesk builds each URL and reads the answer; our transportFn signs, retries, governs and throws typed
// errors, which node-zendesk rethrows unchanged (`throwOriginalException`). What it cannot do is in zendesk-api.ts.
import zendesk from 'node-zendesk'; // the default import: the CJS bundle has no ESM named exports at runtime
import { ServerError } from '../errors.js';
import type { AdaptedResponse, Transport } from '../transport/transport.js';

/** A successful answer: the record Zendesk sent, and what the caller may want to know of the exchange. */
export interface Answer<T> {
  body: T;
  requestIds: string[];
  header(name: string): string | null;
}

/** What node-zendesk's resource methods resolve with: our adapted response and the (unwrapped) body. */
interface Reply {
  response: AdaptedResponse;
  result: unknown;
}

/**
 * The record under `key`: node-zendesk strips the top-level key when it is one of the resource's names
 * (`user`, `ticket`, `group`) and leaves other answers whole (`{ job_status }`); both come out the same here.
 */
function entity(result: unknown, key: string): unknown {
  if (result && typeof result === 'object' && Object.hasOwn(result, key))
    return (result as Record<string, unknown>)[key];
  return result;
}

async function answer<T>(pending: Promise<unknown>, key: string): Promise<Answer<T>> {
  const { response, result } = (await pending) as Reply;
  // node-zendesk resolves an Error as the result for a 204 or an answer carrying Retry-After; ours never
  // should (2xx only reach it), but a result that is an error is never taken for a record.
  if (result instanceof Error)
    throw new ServerError('zendesk_server_error', `Zendesk ${response.status}: ${result.message}`, false, {
      status: response.status,
      body: null,
      requestId: response.requestIds.at(-1) ?? null,
    });
  return {
    body: entity(result, key) as T,
    requestIds: response.requestIds,
    header: (name) => response.headers.get(name),
  };
}

export type NodeZendesk = ReturnType<typeof nodeZendesk>;

/** The node-zendesk calls the client makes, typed with our own records (its typings are uneven). */
export function nodeZendesk(apiBase: string, transport: Transport) {
  const clientWith = (customHeaders: Record<string, string>) =>
    zendesk.createClient({
      // Our transport signs every attempt; node-zendesk only ever holds this placeholder.
      token: 'signed-per-attempt-by-our-transport',
      oauth: true,
      endpointUri: apiBase,
      throwOriginalException: true,
      debug: false, // its debug events carry the Authorization header
      customHeaders,
      transportConfig: transport,
    });
  const client = clientWith({});

  return {
    me: <T>() => answer<T>(client.users.me(), 'user'),
    showUser: <T>(id: number) => answer<T>(client.users.show(id), 'user'),
    createUser: <T>(user: Record<string, unknown>) => answer<T>(client.users.create({ user }), 'user'),
    updateUser: <T>(id: number, changes: Record<string, unknown>) =>
      answer<T>(client.users.update(id, { user: changes }), 'user'),
    /** Soft delete. Typed `Promise<void>` by node-zendesk, it resolves like every method, with the user. */
    deleteUser: <T>(id: number) => answer<T>(client.users.delete(id), 'user'),
    showGroup: <T>(id: number) => answer<T>(client.groups.show(id), 'group'),
    showTicketField: <T>(id: number) => answer<T>(client.ticketfields.show(id), 'ticket_field'),
    showBrand: <T>(id: number) => answer<T>(client.brand.show(id), 'brand'),
    showTicketForm: <T>(id: number) => answer<T>(client.ticketforms.show(id), 'ticket_form'),
    updateManyTickets: <T>(ids: number[], changes: Record<string, unknown>) =>
      answer<T>(client.tickets.updateMany(ids, { ticket: changes }), 'job_status'),
    updateTicket: <T>(id: number, changes: Record<string, unknown>) =>
      answer<T>(client.tickets.update(id, { ticket: changes } as never), 'ticket'),
    showJob: <T>(id: string) => answer<T>(client.jobstatuses.show(id), 'job_status'),
    /**
     * Creates a ticket. node-zendesk has no per-call headers, only per-client `customHeaders`: a call with an
     * Idempotency-Key gets a client of its own (a cheap object; the transport and governor are shared).
     */
    createTicket: <T>(ticket: Record<string, unknown>, idempotencyKey?: string) => {
      const sender = idempotencyKey ? clientWith({ 'Idempotency-Key': idempotencyKey }) : client;
      return answer<T>(sender.tickets.create({ ticket } as never), 'ticket');
    },
    /** Puts a user in a group (`POST /group_memberships`; admins only). */
    createGroupMembership: <T>(userId: number, groupId: number) =>
      answer<T>(
        client.groupmemberships.create({ group_membership: { user_id: userId, group_id: groupId } }),
        'group_membership',
      ),
    /** The account's custom roles (one unpaged list; node-zendesk's getAll reads it). */
    customRoles: async <T>(): Promise<T[]> => (await client.customagentroles.list()) as T[],
  };
}
