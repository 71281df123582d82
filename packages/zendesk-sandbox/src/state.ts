// The account's state, in memory: users kept sorted by id so that cursor pages start with a binary search,
// tickets, groups, soft- and permanently deleted users, the lagging search index, jobs, idempotency records and
// the request log.
import {
  ADMIN_ROLE_ID,
  BILLING_ADMIN_ROLE_ID,
  CONTRIBUTOR_ROLE_ID,
  customRoleFor,
  LIGHT_AGENT_ROLE_ID,
  STAFF_ROLE_ID,
  roleTypeOf,
  type CustomRole,
  type Group,
  type GroupMembership,
  type JobStatus,
  type LoggedRequest,
  type Role,
  type Ticket,
  type User,
} from './model.js';
import { TicketSettings } from './ticket-settings.js';

/** Every account has a default brand and a default ticket form; tickets carry their ids. */
export const DEFAULT_BRAND_ID = 360000000101;
export const DEFAULT_TICKET_FORM_ID = 360000000201;

/** A sorted list of ids with O(log n) insert position and lookup of "first id after". */
export class SortedIds {
  readonly ids: number[] = [];

  add(id: number): void {
    const i = this.firstAfter(id - 1);
    if (this.ids[i] !== id) this.ids.splice(i, 0, id);
  }

  remove(id: number): void {
    const i = this.firstAfter(id - 1);
    if (this.ids[i] === id) this.ids.splice(i, 1);
  }

  /** Index of the first id greater than `id`. */
  firstAfter(id: number): number {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ids[mid]! <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export interface IdempotencyRecord {
  bodyHash: string;
  ticketId: number;
  expiresAt: number;
}

/** The sandbox's account in memory (users, tickets, groups, jobs, the request log), readable and writable by tests. */
export class SandboxState {
  readonly users = new Map<number, User>();
  readonly userIds = new SortedIds();
  /** Soft-deleted users (active: false), until they are permanently deleted. */
  readonly deletedUsers = new Map<number, User>();
  readonly deletedUserIds = new SortedIds();
  readonly tickets = new Map<number, Ticket>();
  readonly ticketIds = new SortedIds();
  /** Ids of deleted users whose personal data is gone (permanent delete); they stay in deletedUsers, scrubbed. */
  readonly purged = new Set<number>();
  /** Secondary email identities added by updates (the primary email never changes). */
  readonly secondaryEmails = new Map<number, string[]>();
  readonly groups = new Map<number, Group>();
  readonly memberships: GroupMembership[] = [];
  readonly customRoles = new Map<number, CustomRole>();
  readonly jobs = new Map<string, JobStatus>();
  /** When each job was created (ms), to forget job data after a day (S5). */
  readonly jobCreatedAt = new Map<string, number>();
  /** How long a change made through the API takes to reach /users/search (S16). */
  searchLagMs = 0;
  /** Agent seats the account bought (S9: agents and admins, suspended ones included); null: as many as used. */
  agentSeats: number | null = null;
  /** The ticket search index: per ticket, versions with the time each becomes visible (S16). */
  private readonly ticketIndex = new Map<number, Array<{ at: number; ticket: Omit<Ticket, 'comments'> }>>();
  /** The search index: per user, versions with the time each becomes visible (null = removed). */
  private readonly searchIndex = new Map<number, Array<{ at: number; user: User | null }>>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  readonly entitlementOverrides = new Map<number, Record<string, unknown>>();
  readonly requestLog: LoggedRequest[] = [];
  ownerId = 0;
  subdomain = 'sandbox';
  /** Ticket fields (system and custom), brands and ticket forms. */
  readonly ticketSettings = new TicketSettings(() => this.now(), {
    brandId: DEFAULT_BRAND_ID,
    formId: DEFAULT_TICKET_FORM_ID,
    subdomain: this.subdomain,
  });
  private nextUserId = 10_000_001;
  private nextTicketId = 1;
  private nextCommentId = 1;
  private nextGroupId = 1;
  private nextMembershipId = 1;

  constructor(readonly origin: () => string) {
    const role = (id: number, name: string, role_type: number): CustomRole => ({
      id,
      name,
      description: `${name} (sandbox)`,
      role_type,
      configuration: {
        chat_access: false,
        end_user_profile_access: 'readonly',
        ticket_editing: role_type === 0,
      },
    });
    this.customRoles.set(LIGHT_AGENT_ROLE_ID, role(LIGHT_AGENT_ROLE_ID, 'Light agent', 1));
    this.customRoles.set(CONTRIBUTOR_ROLE_ID, role(CONTRIBUTOR_ROLE_ID, 'Contributor', 3));
    this.customRoles.set(STAFF_ROLE_ID, role(STAFF_ROLE_ID, 'Staff', 0));
    this.customRoles.set(ADMIN_ROLE_ID, role(ADMIN_ROLE_ID, 'Admin', 4));
    this.customRoles.set(BILLING_ADMIN_ROLE_ID, role(BILLING_ADMIN_ROLE_ID, 'Billing admin', 5));
  }

  now(): string {
    return new Date().toISOString();
  }

  /**
   * Adds a user. `searchLagMs` is how long it takes to show up in search: 0 for seeds and tests that set the
   * account up directly, the account's lag for users created through the API.
   */
  addUser(partial: Partial<User> & { name: string; email: string }, searchLagMs = 0): User {
    const id = partial.id ?? this.nextUserId++;
    this.nextUserId = Math.max(this.nextUserId, id + 1);
    const role: Role = partial.role ?? 'end-user';
    const custom = customRoleFor(role, partial.custom_role_id ?? null);
    const time = partial.created_at ?? this.now();
    const user: User = {
      url: `${this.origin()}/api/v2/users/${id}.json`,
      role,
      role_type: roleTypeOf(role, custom, this.customRoles),
      active: true,
      suspended: false,
      last_login_at: null,
      created_at: time,
      updated_at: time,
      external_id: null,
      phone: null,
      shared_phone_number: null,
      photo: null,
      locale_id: 1,
      organization_id: null,
      default_group_id: null,
      restricted_agent: false,
      moderator: false,
      ticket_restriction: role === 'end-user' ? 'requested' : null,
      only_private_comments: false,
      two_factor_auth_enabled: false,
      tags: [],
      locale: 'en-US',
      time_zone: 'UTC',
      verified: true,
      shared_agent: false,
      user_fields: {},
      ...partial,
      custom_role_id: custom,
      email: partial.email.toLowerCase(),
      id,
    };
    this.users.set(id, user);
    this.userIds.add(id);
    this.index(user, searchLagMs);
    return user;
  }

  findUserByEmail(email: string): User | undefined {
    const wanted = email.toLowerCase();
    for (const user of this.users.values()) if (user.email === wanted) return user;
    // Only live users hold an email: a soft-deleted user's addresses are free again (S10).
    for (const [id, emails] of this.secondaryEmails) {
      const user = emails.includes(wanted) ? this.users.get(id) : undefined;
      if (user) return user;
    }
    return undefined;
  }

  /** Records the user's current version for search; it becomes visible after the lag (0: at once). */
  index(user: User, lagMs = this.searchLagMs): void {
    const versions = this.searchIndex.get(user.id) ?? [];
    versions.push({ at: Date.now() + lagMs, user: this.users.has(user.id) ? { ...user } : null });
    this.searchIndex.set(user.id, versions);
  }

  /** Every user as the search index sees them now (older versions, once superseded, are dropped). */
  searchable(now = Date.now()): User[] {
    const found: User[] = [];
    for (const versions of this.searchIndex.values()) {
      let last = -1;
      for (let i = 0; i < versions.length; i++) if (versions[i]!.at <= now) last = i;
      if (last > 0) versions.splice(0, last);
      const visible = last >= 0 ? versions[0]!.user : null;
      // Once the newest version is indexed, search sees the live record (tests may change state directly).
      const live = visible && versions.length === 1 ? this.users.get(visible.id) : undefined;
      if (visible) found.push(live ?? visible);
    }
    return found.sort((a, b) => a.id - b.id);
  }

  addGroup(name: string, memberIds: number[], isDefault = false): Group {
    const id = this.nextGroupId++;
    const time = this.now();
    const group: Group = {
      id,
      url: `${this.origin()}/api/v2/groups/${id}.json`,
      name,
      description: `${name} (sandbox)`,
      default: isDefault,
      deleted: false,
      is_public: true,
      created_at: time,
      updated_at: time,
    };
    this.groups.set(id, group);
    for (const userId of memberIds) this.addMembership(userId, id);
    return group;
  }

  addMembership(userId: number, groupId: number): GroupMembership {
    const user = this.users.get(userId);
    const first = user?.default_group_id === null;
    const id = this.nextMembershipId++;
    const time = this.now();
    const membership: GroupMembership = {
      id,
      url: `${this.origin()}/api/v2/group_memberships/${id}.json`,
      user_id: userId,
      group_id: groupId,
      default: first,
      created_at: time,
      updated_at: time,
    };
    this.memberships.push(membership);
    if (user && first) user.default_group_id = groupId;
    return membership;
  }

  /** Agents in a group, lowest id first. */
  groupMembers(groupId: number): number[] {
    return this.memberships
      .filter((m) => m.group_id === groupId)
      .map((m) => m.user_id)
      .sort((a, b) => a - b);
  }

  /** Removes one membership; the user's default group moves to another membership they keep, or none. */
  removeMembership(id: number): void {
    const i = this.memberships.findIndex((m) => m.id === id);
    if (i < 0) return;
    const [removed] = this.memberships.splice(i, 1);
    const user = this.users.get(removed!.user_id);
    if (user && user.default_group_id === removed!.group_id) {
      const next = this.memberships.find((m) => m.user_id === user.id);
      if (next) next.default = true;
      user.default_group_id = next?.group_id ?? null;
    }
  }

  /** An end user belongs to no group: their memberships go, and so does their default group. */
  removeMemberships(user: User): void {
    for (let i = this.memberships.length - 1; i >= 0; i--)
      if (this.memberships[i]!.user_id === user.id) this.memberships.splice(i, 1);
    user.default_group_id = null;
  }

  /**
   * Adds a ticket. `searchLagMs` is how long it takes to show up in search: 0 for seeds and tests that set the
   * account up directly, the account's lag for tickets created through the API.
   */
  addTicket(partial: Partial<Ticket> & { subject: string; requester_id: number }, searchLagMs = 0): Ticket {
    const id = partial.id ?? this.nextTicketId++;
    this.nextTicketId = Math.max(this.nextTicketId, id + 1);
    const time = partial.created_at ?? this.now();
    const ticket: Ticket = {
      url: `${this.origin()}/api/v2/tickets/${id}.json`,
      description: partial.subject,
      status: 'open',
      priority: null,
      type: null,
      submitter_id: partial.requester_id,
      assignee_id: null,
      group_id: null,
      brand_id: DEFAULT_BRAND_ID,
      ticket_form_id: DEFAULT_TICKET_FORM_ID,
      tags: [],
      external_id: null,
      custom_fields: [],
      created_at: time,
      updated_at: time,
      comments: [],
      ...partial,
      id,
    };
    this.tickets.set(id, ticket);
    this.ticketIds.add(id);
    this.indexTicket(ticket, searchLagMs);
    return ticket;
  }

  /** Records the ticket's current version for search; it becomes visible after the lag (0: at once). */
  indexTicket(ticket: Ticket, lagMs = this.searchLagMs): void {
    const versions = this.ticketIndex.get(ticket.id) ?? [];
    const { comments: _comments, ...copy } = structuredClone(ticket);
    versions.push({ at: Date.now() + lagMs, ticket: copy });
    this.ticketIndex.set(ticket.id, versions);
  }

  /** Every ticket as the search index sees it now: a ticket not indexed yet is missing, a changed one is as it was. */
  searchableTickets(now = Date.now()): Array<Omit<Ticket, 'comments'>> {
    const found: Array<Omit<Ticket, 'comments'>> = [];
    for (const versions of this.ticketIndex.values()) {
      let last = -1;
      for (let i = 0; i < versions.length; i++) if (versions[i]!.at <= now) last = i;
      if (last > 0) versions.splice(0, last);
      if (last < 0) continue;
      const visible = versions[0]!.ticket;
      // Once the newest version is indexed, search sees the live record (tests may change state directly).
      const live = versions.length === 1 ? this.tickets.get(visible.id) : undefined;
      if (live) {
        const { comments: _c, ...rest } = live;
        found.push(rest);
      } else found.push(visible);
    }
    return found.sort((a, b) => a.id - b.id);
  }

  /** Agents and admins taking a paid seat (S9): light agents (1) and contributors (3) do not; suspended ones do. */
  paidSeatsInUse(): number {
    let used = 0;
    for (const u of this.users.values()) if (takesPaidSeat(u.role, u.role_type)) used++;
    return used;
  }

  addComment(
    ticket: Ticket,
    comment: { body?: string; html_body?: string; public?: boolean },
    authorId: number,
  ): void {
    ticket.comments.push({
      id: this.nextCommentId++,
      body: comment.body ?? comment.html_body?.replace(/<[^>]*>/g, '') ?? '',
      html_body: comment.html_body ?? `<p>${comment.body ?? ''}</p>`,
      public: comment.public ?? true,
      author_id: authorId,
      created_at: this.now(),
    });
  }

  /** Soft delete: the user leaves the users list (and, after the lag, search) and shows up among deleted users. */
  softDelete(user: User): User {
    this.users.delete(user.id);
    this.userIds.remove(user.id);
    this.removeMemberships(user);
    const deleted = { ...user, active: false, updated_at: this.now() };
    this.deletedUsers.set(user.id, deleted);
    this.deletedUserIds.add(user.id);
    this.index(user);
    return deleted;
  }

  /**
   * Permanent delete: the record stays among deleted users as "Permanently Deleted User" with its personal
   * fields null (ListDeletedUsers, S1). Undefined when the user is not soft-deleted, or already purged.
   */
  permanentlyDelete(id: number): User | undefined {
    const user = this.deletedUsers.get(id);
    if (!user || this.purged.has(id)) return undefined;
    const scrubbed: User = {
      ...user,
      name: 'Permanently Deleted User',
      // Zendesk sends null here; User.email stays a string for every live user.
      email: null as unknown as string,
      phone: null,
      photo: null,
      external_id: null,
      organization_id: null,
      tags: [],
      user_fields: {},
      updated_at: this.now(),
    };
    this.deletedUsers.set(id, scrubbed);
    this.purged.add(id);
    this.secondaryEmails.delete(id);
    return scrubbed;
  }

  snapshot(): Record<string, unknown> {
    return {
      owner_id: this.ownerId,
      users: [...this.users.values()],
      deleted_users: [...this.deletedUsers.values()],
      tickets: [...this.tickets.values()],
      jobs: [...this.jobs.values()],
      custom_roles: [...this.customRoles.values()],
      groups: [...this.groups.values()],
      group_memberships: this.memberships,
      search_lag_ms: this.searchLagMs,
      ...this.ticketSettings.snapshot(),
      agent_seats: this.agentSeats,
      paid_seats_in_use: this.paidSeatsInUse(),
    };
  }
}

/** Whether a role and role_type take a paid agent seat (S9): agents and admins, but not light agents or contributors. */
export function takesPaidSeat(role: string, roleType: number | null): boolean {
  return role === 'admin' || (role === 'agent' && roleType !== 1 && roleType !== 3);
}
