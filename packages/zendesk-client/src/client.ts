// The Zendesk client a developer uses: agents and admins as a stream, seats, last login, user lookup,
// audit-ticket helpers, and the lifecycle actions (as core's ZendeskPort).
import type { UserRef, UserSnapshot } from '@zendesk-lifecycle/core';
import { ZendeskActions, type ActionsOptions } from './actions/actions.js';
import { ZendeskApi } from './api/zendesk-api.js';
import { authWarnings } from './auth/from-config.js';
import { verifyAuth, type AuthCheck } from './auth/verify.js';
import { parseZendeskConfig, type ZendeskConfig, type ZendeskConfigInput } from './config.js';
import { NotFound } from './errors.js';
import type { ListPath } from './lists/paging.js';
import type { GovernorStats } from './transport/governor.js';
import {
  toBrand,
  toTicketField,
  toTicketForm,
  type BrandRecord,
  type TicketFieldRecord,
  type TicketFormRecord,
} from './ticket-settings/records.js';
import { findUser, type FindUserOptions } from './users/find-user.js';
import { entitlementsOf, type CustomRole, type Entitlements } from './users/seats.js';
import { ZendeskWebhooks } from './webhooks/webhooks.js';
import { statusOf, toSnapshot, type AccountStatus, type ZendeskUser } from './users/snapshot.js';

/** An agent or admin as `listAccounts()` yields it, with its status. */
export interface Account {
  user: UserSnapshot;
  status: AccountStatus;
}

/** A ticket as the client reads it (the fields the project uses). */
export interface TicketRecord {
  id: number;
  external_id: string | null;
  status: string;
  subject: string;
  tags: string[];
  requester_id: number;
  [key: string]: unknown;
}

/** A typed, resilient Zendesk client for agents and admins: signing in, reading accounts, core's actions (`asPort()`), tickets. Create it with `createZendeskClient`. */
export class ZendeskClient {
  private readonly api: ZendeskApi;
  private roles: Promise<ReadonlyMap<number, CustomRole> | null> | undefined;
  private me: Promise<UserSnapshot> | undefined;

  /** Zendesk's Webhooks API (webhooks/webhooks.ts). */
  readonly webhooks: ZendeskWebhooks;

  constructor(readonly config: ZendeskConfig) {
    this.api = new ZendeskApi(config);
    this.webhooks = new ZendeskWebhooks(this.api);
  }

  /** Calls, 429s, retries and time spent waiting for the rate budget. */
  stats(): GovernorStats {
    return { ...this.api.governor.stats };
  }

  /**
   * This instance's part of the work when several instances share the account's rate budget (e.g. its partitions
   * of the consumer group's: 2 of 6 is 1/3; 0 when it has none), given again whenever that changes; null when
   * unknown. The client then spends at most that share of what Zendesk reports left, less when the answers show
   * others spending more (docs/operations.md, "Several instances on one account").
   */
  shareRateBudget(share: number | null): void {
    this.api.governor.setFleetShare(share);
  }

  /** Whether Zendesk answers with these credentials (for readiness checks); an anonymous answer is a no. */
  async ping(): Promise<boolean> {
    try {
      const me = await this.api.me<{ id?: unknown } | undefined>();
      return typeof me.body?.id === 'number';
    } catch {
      return false;
    }
  }

  /**
   * The start-up check: signs in once and asks who we are. Throws one ZendeskAuthFailed/OAuthGrantRefused that
   * names the setting and what Zendesk said (wrong secret, revoked client, missing scope); never loops.
   */
  verifyAuth(needs?: string[]): Promise<AuthCheck> {
    return verifyAuth(this.api, needs);
  }

  /** Start-up warnings about credentials that will stop working (static OAuth token, legacy API token). */
  authWarnings(): string[] {
    return authWarnings(this.config);
  }

  /**
   * The account owner's id, whom automation never changes: `accountOwnerId` (ZENDESK_ACCOUNT_OWNER_ID), or null.
   * Zendesk's public API does not name the owner (`GET /api/v2/account` is not in its OpenAPI description, facts
   * §11), so nothing is asked; unset, the owner is protected only by the policy's protected users and by Zendesk's
   * own refusal to change the owner.
   */
  async accountOwnerId(): Promise<number | null> {
    return this.api.accountOwnerId();
  }

  /**
   * Streams every record of a list, one page in memory at a time, however Zendesk pages it: cursor pagination
   * (asked for with page[size]=100, followed while meta.has_more) or an offset answer (next_page until null).
   * `cursor: false` for endpoints that page by offset only (search). Throws rather than end early.
   */
  pages<T>(key: string, path: ListPath, options: { cursor?: boolean } = {}): AsyncGenerator<T[]> {
    return this.api.pages<T>(key, path, options);
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
      const res = await this.api.showUser<ZendeskUser>(id);
      return toSnapshot(res.body, this.api.accountOwnerId());
    } catch (error) {
      if (error instanceof NotFound) return null;
      throw error;
    }
  }

  /** The group (`GET /groups/{id}`; `deleted: true` for a deleted one), or null when Zendesk has none by that id. */
  async getGroup(id: number): Promise<{ id: number; name: string | null; deleted: boolean } | null> {
    try {
      const { body } = await this.api.showGroup<{ id: number; name?: unknown; deleted?: unknown }>(id);
      return {
        id: body.id,
        name: typeof body.name === 'string' ? body.name : null,
        deleted: body.deleted === true,
      };
    } catch (error) {
      if (error instanceof NotFound) return null;
      throw error;
    }
  }

  /** The ticket field (`GET /ticket_fields/{id}`: system or custom, with its option values), or null when none. */
  getTicketField(id: number): Promise<TicketFieldRecord | null> {
    return this.orNull(this.api.showTicketField<Record<string, unknown>>(id), toTicketField);
  }

  /** The brand (`GET /brands/{id}`), or null when Zendesk has none by that id. */
  getBrand(id: number): Promise<BrandRecord | null> {
    return this.orNull(this.api.showBrand<Record<string, unknown>>(id), toBrand);
  }

  /** The ticket form (`GET /ticket_forms/{id}`), or null when Zendesk has none by that id. */
  getTicketForm(id: number): Promise<TicketFormRecord | null> {
    return this.orNull(this.api.showTicketForm<Record<string, unknown>>(id), toTicketForm);
  }

  private async orNull<R>(
    pending: Promise<{ body: Record<string, unknown> }>,
    read: (raw: Record<string, unknown>) => R,
  ): Promise<R | null> {
    try {
      return read((await pending).body);
    } catch (error) {
      if (error instanceof NotFound) return null;
      throw error;
    }
  }

  /**
   * The user named by id, email or external id (case-insensitive), soft-deleted users included (active: false)
   * unless `deleted: false`; null when none matches. See users/find-user.ts.
   */
  findUser(ref: UserRef, options: FindUserOptions = {}): Promise<UserSnapshot | null> {
    return findUser(this.api, ref, options);
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
    this.roles ??= this.api
      .customRoles<CustomRole>()
      .then((roles) => new Map(roles.map((r) => [r.id, r] as const)))
      .catch((error: unknown) => {
        if ((error as { retryable?: boolean }).retryable) {
          this.roles = undefined;
          throw error;
        }
        return null;
      });
    return this.roles;
  }

  /** The user whose credentials this client uses, asked anew (`GET /users/me`); throws when Zendesk refuses. */
  async currentUser(): Promise<UserSnapshot> {
    const res = await this.api.me<ZendeskUser>();
    return toSnapshot(res.body, this.api.accountOwnerId());
  }

  /** The service identity (`GET /users/me`, cached): the user whose credentials this client uses. */
  serviceUser(): Promise<UserSnapshot> {
    this.me ??= this.currentUser().catch((error: unknown) => {
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
    const res = await this.api.createTicket<TicketRecord>(ticket, options.idempotencyKey);
    return {
      ticket: res.body,
      replayed: res.header('x-idempotency-lookup') === 'hit',
      requestId: res.requestIds.at(-1) ?? null,
    };
  }

  /** Updates one ticket (`PUT /tickets/{id}`); a `comment` in `changes` is added to it. */
  async updateTicket(id: number, changes: Record<string, unknown>): Promise<{ ticket: TicketRecord }> {
    const res = await this.api.updateTicket<TicketRecord>(id, changes);
    return { ticket: res.body };
  }

  /** Every ticket with this external id. */
  async findTicketsByExternalId(externalId: string): Promise<TicketRecord[]> {
    const found: TicketRecord[] = [];
    for await (const page of this.api.pages<TicketRecord>('tickets', [
      'tickets',
      { external_id: externalId },
    ]))
      found.push(...page);
    return found;
  }

  /**
   * Tickets matching a search query (`GET /search`, offset pages to the end; at most 1,000 results), e.g.
   * `type:ticket tags:itsm_audit`. The search index lags minutes behind changes (docs/zendesk-rules.md §8, S16).
   */
  async searchTickets(
    query: string,
    options: { sortBy?: 'created_at' | 'updated_at'; sortOrder?: 'asc' | 'desc' } = {},
  ): Promise<TicketRecord[]> {
    const params: Record<string, string> = { query };
    if (options.sortBy) params.sort_by = options.sortBy;
    if (options.sortOrder) params.sort_order = options.sortOrder;
    const found: TicketRecord[] = [];
    for await (const page of this.api.pages<TicketRecord & { result_type?: string }>(
      'results',
      ['search', params],
      { cursor: false },
    ))
      found.push(...page.filter((r) => r.result_type === undefined || r.result_type === 'ticket'));
    return found;
  }

  /**
   * Every ticket matching a search query, streamed a page at a time (`GET /search/export`, cursor pages of 100
   * ordered by creation, no 1,000-result cap; 100 calls a minute per account). The query must not name the type
   * (`type:` is refused: tickets are asked for with `filter[type]`), e.g. `tags:itsm_audit created>2026-09-30`.
   * The search index lags minutes behind new tickets (docs/zendesk-rules.md §8).
   */
  async *exportTickets(query: string): AsyncGenerator<TicketRecord[]> {
    for await (const page of this.api.pages<TicketRecord & { result_type?: string }>('results', [
      'search',
      'export',
      { query, 'filter[type]': 'ticket' },
    ]))
      yield page.filter((r) => r.result_type === undefined || r.result_type === 'ticket');
  }

  /** The lifecycle actions as core's ZendeskPort. */
  asPort(options: ActionsOptions = {}): ZendeskActions {
    return new ZendeskActions(this.api, options, () => this.serviceUser());
  }
}

/** Creates a client from a configuration (validated: every wrong field is named), e.g. `{ subdomain, oauthClientId, oauthClientSecret }` or `{ baseUrl, ... }`. */
export function createZendeskClient(config: ZendeskConfigInput | ZendeskConfig): ZendeskClient {
  return new ZendeskClient('apiBase' in config ? (config as ZendeskConfig) : parseZendeskConfig(config));
}
