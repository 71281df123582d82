// The Zendesk client a developer uses: agents and admins as a stream, seats, last login, user lookup,
// audit-ticket helpers, and the lifecycle actions (as core's ZendeskPort).
import type { UserRef, UserSnapshot } from '@zendesk-lifecycle/core';
import { ZendeskActions, type ProtectionOptions } from './actions/actions.js';
import { parseZendeskConfig, type ZendeskConfig, type ZendeskConfigInput } from './config.js';
import { NotFound } from './errors.js';
import { HttpClient } from './http-client.js';
import type { GovernorStats } from './transport/governor.js';
import { entitlementsOf, type CustomRole, type Entitlements } from './users/seats.js';
import { statusOf, toSnapshot, type AccountStatus, type ZendeskUser } from './users/snapshot.js';

export interface Account {
  user: UserSnapshot;
  status: AccountStatus;
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
  private roles: Promise<ReadonlyMap<number, CustomRole> | null> | undefined;
  private me: Promise<UserSnapshot> | undefined;

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

  /**
   * The account owner's id, whom automation never changes: `accountOwnerId` (ZENDESK_ACCOUNT_OWNER_ID), or null.
   * Zendesk's public API does not name the owner (`GET /api/v2/account` is not in its OpenAPI description, facts
   * §11), so nothing is asked; unset, the owner is protected only by the policy's protected users and by Zendesk's
   * own refusal to change the owner.
   */
  async accountOwnerId(): Promise<number | null> {
    return this.config.accountOwnerId ?? null;
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

  /** Seat and product roles of one user, from public data only (see users/seats.ts). */
  async entitlements(user: UserSnapshot): Promise<Entitlements> {
    return entitlementsOf(user, await this.customRoles());
  }

  /**
   * The account's custom roles (`GET /custom_roles`), read once per client. null when the account does not answer
   * it (Enterprise plans only): role names are then `custom_<id>`, and seats rest on each user's role_type.
   */
  customRoles(): Promise<ReadonlyMap<number, CustomRole> | null> {
    this.roles ??= this.http
      .call<{ custom_roles?: CustomRole[] }>('GET', ['custom_roles'])
      .then((res) => new Map((res.body.custom_roles ?? []).map((r) => [r.id, r] as const)))
      .catch((error: unknown) => {
        if ((error as { retryable?: boolean }).retryable) {
          this.roles = undefined;
          throw error;
        }
        return null;
      });
    return this.roles;
  }

  /** The service identity (`GET /users/me`, cached): the user whose credentials this client uses. */
  serviceUser(): Promise<UserSnapshot> {
    this.me ??= this.http
      .call<{ user: ZendeskUser }>('GET', ['users', 'me'])
      .then(async (res) => toSnapshot(res.body.user, await this.accountOwnerId()))
      .catch((error: unknown) => {
        this.me = undefined;
        throw error;
      });
    return this.me;
  }

  /** Entitlements of many users: one call for the custom roles (once per client), none per user. */
  async entitlementsMany(users: UserSnapshot[]): Promise<Entitlements[]> {
    const roles = await this.customRoles();
    return users.map((user) => entitlementsOf(user, roles));
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

export function createZendeskClient(config: ZendeskConfigInput | ZendeskConfig): ZendeskClient {
  return new ZendeskClient('apiBase' in config ? (config as ZendeskConfig) : parseZendeskConfig(config));
}
