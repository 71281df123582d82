// The Zendesk client a developer uses: agents and admins as a stream, entitlements, last login, user lookup,
// audit-ticket helpers, and the lifecycle actions (as core's ZendeskPort).
import type { UserRef, UserSnapshot } from '@zendesk-lifecycle/core';
import { ZendeskActions, type ProtectionOptions } from './actions/actions.js';
import { parseZendeskConfig, type ZendeskConfig, type ZendeskConfigInput } from './config.js';
import { NotFound } from './errors.js';
import { HttpClient } from './http-client.js';
import type { GovernorStats } from './transport/governor.js';
import { statusOf, toSnapshot, type AccountStatus, type ZendeskUser } from './users/snapshot.js';

export interface Account {
  user: UserSnapshot;
  status: AccountStatus;
}

export type Seat = 'paid' | 'light_agent' | 'free';

export interface Entitlements {
  user_id: number;
  /** Role per product, e.g. { support: 'agent', guide: 'viewer', explore: 'admin' }. */
  products: Record<string, string>;
  seat: Seat;
  /** Where the product roles came from: the private entitlements endpoint, or the public user fields. */
  source: 'entitlements_api' | 'user_fields';
}

export interface TicketRecord {
  id: number;
  external_id: string | null;
  status: string;
  subject: string;
  tags: string[];
  requester_id: number;
  [key: string]: unknown;
}

interface CursorPage {
  meta?: { has_more: boolean };
  links?: { next: string | null };
}

export class ZendeskClient {
  readonly http: HttpClient;
  private ownerId: Promise<number | null> | undefined;

  constructor(readonly config: ZendeskConfig) {
    this.http = new HttpClient(config);
  }

  /** Calls, 429s, retries and time spent waiting for the rate budget. */
  stats(): GovernorStats {
    return { ...this.http.governor.stats };
  }

  /** Whether Zendesk answers with these credentials (for readiness checks). */
  async ping(): Promise<boolean> {
    try {
      await this.http.call('GET', ['users', 'me']);
      return true;
    } catch {
      return false;
    }
  }

  /** The account owner's id (cached), whom automation never changes. */
  accountOwnerId(): Promise<number | null> {
    this.ownerId ??= this.http
      .call<{ account?: { owner_id?: number } }>('GET', ['account'])
      .then((a) => a.body.account?.owner_id ?? null)
      .catch(() => {
        this.ownerId = undefined;
        return null;
      });
    return this.ownerId;
  }

  /** Streams every record of a cursor-paginated list, one page in memory at a time. */
  async *pages<T>(
    key: string,
    path: Array<string | number | Record<string, string>> | string,
  ): AsyncGenerator<T[]> {
    let next: typeof path | null = path;
    while (next !== null) {
      const page: { body: CursorPage & Record<string, unknown> } = await this.http.call('GET', next);
      yield (page.body[key] as T[] | undefined) ?? [];
      const link = page.body.links?.next ?? null;
      next = page.body.meta?.has_more === false ? null : link;
    }
  }

  /** Every agent and admin, as accounts with their status; constant memory however large the account. */
  async *listAccounts(): AsyncGenerator<Account> {
    const owner = await this.accountOwnerId();
    for await (const users of this.pages<ZendeskUser>('users', ['users', '?role[]=agent&role[]=admin'])) {
      for (const raw of users) {
        const user = toSnapshot(raw, owner);
        yield { user, status: statusOf(user) };
      }
    }
  }

  /** The user (soft-deleted users come back with active: false), or null. */
  async getUser(id: number): Promise<UserSnapshot | null> {
    try {
      const res = await this.http.call<{ user: ZendeskUser }>('GET', ['users', id]);
      return toSnapshot(res.body.user, await this.accountOwnerId());
    } catch (error) {
      if (error instanceof NotFound) return null;
      throw error;
    }
  }

  /** The user named by id, email or external id, or null when none matches. */
  async findUser(ref: UserRef): Promise<UserSnapshot | null> {
    if (ref.id !== undefined) return this.getUser(ref.id);
    const query: Record<string, string> =
      ref.external_id !== undefined
        ? { external_id: ref.external_id }
        : { query: `email:${ref.email ?? ''}` };
    const res = await this.http.call<{ users?: ZendeskUser[] }>('GET', ['users', 'search', query]);
    const users = res.body.users ?? [];
    const match = users.find((u) =>
      ref.external_id !== undefined
        ? u.external_id === ref.external_id
        : u.email?.toLowerCase() === ref.email?.toLowerCase(),
    );
    return match ? toSnapshot(match, await this.accountOwnerId()) : null;
  }

  /** When the user last signed in or used the API with its own credentials. */
  lastLogin(user: Pick<UserSnapshot, 'last_login_at'>): Date | 'never' {
    return user.last_login_at ? new Date(user.last_login_at) : 'never';
  }

  /** Product roles and seat kind of one agent or admin. */
  async entitlements(user: UserSnapshot): Promise<Entitlements> {
    try {
      const res = await this.http.callOutside<{
        entitlements?: Record<string, { name?: string | null; is_active?: boolean }>;
      }>('GET', `${this.config.origin}/api/admin/private/staff/${user.id}/entitlements`);
      const products: Record<string, string> = {};
      for (const [product, value] of Object.entries(res.body.entitlements ?? {})) {
        if (value?.name && value.is_active !== false) products[product] = value.name;
      }
      if (Object.keys(products).length > 0)
        return { user_id: user.id, products, seat: seatOf(user), source: 'entitlements_api' };
    } catch (error) {
      if ((error as { retryable?: boolean }).retryable) throw error;
      // The private endpoint is not available to this account or token: fall back to the public fields.
    }
    return {
      user_id: user.id,
      products: { support: supportRoleOf(user) },
      seat: seatOf(user),
      source: 'user_fields',
    };
  }

  /** Entitlements of many users, a few calls at a time. */
  async entitlementsMany(users: UserSnapshot[], concurrency = 4): Promise<Entitlements[]> {
    const out: Entitlements[] = new Array(users.length);
    let next = 0;
    const worker = async () => {
      while (next < users.length) {
        const i = next++;
        out[i] = await this.entitlements(users[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, users.length) }, worker));
    return out;
  }

  /** Creates a ticket; with an idempotency key, a replay answers the original ticket (`replayed: true`). */
  async createTicket(ticket: Record<string, unknown>, options: { idempotencyKey?: string } = {}) {
    const res = await this.http.call<{ ticket: TicketRecord }>('POST', ['tickets'], { ticket }, options);
    return {
      ticket: res.body.ticket,
      replayed: res.header('x-idempotency-lookup') === 'hit',
      requestId: res.requestIds.at(-1) ?? null,
    };
  }

  async findTicketsByExternalId(externalId: string): Promise<TicketRecord[]> {
    const res = await this.http.call<{ tickets?: TicketRecord[] }>('GET', [
      'tickets',
      { external_id: externalId },
    ]);
    return res.body.tickets ?? [];
  }

  /** The lifecycle actions as core's ZendeskPort. */
  asPort(protection: ProtectionOptions = {}): ZendeskActions {
    return new ZendeskActions(this, protection);
  }
}

function seatOf(user: UserSnapshot): Seat {
  if (user.role === 'admin') return 'paid';
  if (user.role !== 'agent') return 'free';
  if (user.role_type === 1) return 'light_agent';
  if (user.role_type === 2 || user.role_type === 3) return 'free';
  return 'paid';
}

function supportRoleOf(user: UserSnapshot): string {
  if (user.role === 'admin') return 'admin';
  if (user.role_type === 1) return 'light_agent';
  if (user.role_type === 3) return 'contributor';
  if (user.custom_role_id !== null) return `custom_${user.custom_role_id}`;
  return user.role;
}

export function createZendeskClient(config: ZendeskConfigInput | ZendeskConfig): ZendeskClient {
  return new ZendeskClient('apiBase' in config ? (config as ZendeskConfig) : parseZendeskConfig(config));
}
