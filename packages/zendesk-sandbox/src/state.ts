// The account's state, in memory: users kept sorted by id so that cursor pages start with a binary search,
// tickets, soft-deleted users, jobs, idempotency records and the request log.
import {
  CONTRIBUTOR_ROLE_ID,
  LIGHT_AGENT_ROLE_ID,
  STAFF_ROLE_ID,
  roleTypeOf,
  type CustomRole,
  type JobStatus,
  type LoggedRequest,
  type Role,
  type Ticket,
  type User,
} from './model.js';

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

export class SandboxState {
  readonly users = new Map<number, User>();
  readonly userIds = new SortedIds();
  /** Soft-deleted users (active: false), until they are permanently deleted. */
  readonly deletedUsers = new Map<number, User>();
  readonly deletedUserIds = new SortedIds();
  readonly tickets = new Map<number, Ticket>();
  readonly ticketIds = new SortedIds();
  readonly customRoles = new Map<number, CustomRole>();
  readonly jobs = new Map<string, JobStatus>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  readonly entitlementOverrides = new Map<number, Record<string, unknown>>();
  readonly requestLog: LoggedRequest[] = [];
  ownerId = 0;
  subdomain = 'sandbox';
  private nextUserId = 10_000_001;
  private nextTicketId = 1;
  private nextCommentId = 1;

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
  }

  now(): string {
    return new Date().toISOString();
  }

  addUser(partial: Partial<User> & { name: string; email: string }): User {
    const id = partial.id ?? this.nextUserId++;
    this.nextUserId = Math.max(this.nextUserId, id + 1);
    const role: Role = partial.role ?? 'end-user';
    const custom = partial.custom_role_id ?? null;
    const time = partial.created_at ?? this.now();
    const user: User = {
      url: `${this.origin()}/api/v2/users/${id}.json`,
      role,
      role_type: roleTypeOf(role, custom, this.customRoles),
      custom_role_id: role === 'agent' ? custom : null,
      active: true,
      suspended: false,
      last_login_at: null,
      created_at: time,
      updated_at: time,
      external_id: null,
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
      email: partial.email.toLowerCase(),
      id,
    };
    this.users.set(id, user);
    this.userIds.add(id);
    return user;
  }

  findUserByEmail(email: string): User | undefined {
    const wanted = email.toLowerCase();
    for (const user of this.users.values()) if (user.email === wanted) return user;
    return undefined;
  }

  addTicket(partial: Partial<Ticket> & { subject: string; requester_id: number }): Ticket {
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
      brand_id: null,
      ticket_form_id: null,
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
    return ticket;
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

  /** Soft delete: the user leaves the users list and shows up among deleted users. */
  softDelete(user: User): User {
    this.users.delete(user.id);
    this.userIds.remove(user.id);
    const deleted = { ...user, active: false, updated_at: this.now() };
    this.deletedUsers.set(user.id, deleted);
    this.deletedUserIds.add(user.id);
    return deleted;
  }

  permanentlyDelete(id: number): User | undefined {
    const user = this.deletedUsers.get(id);
    if (!user) return undefined;
    this.deletedUsers.delete(id);
    this.deletedUserIds.remove(id);
    return user;
  }

  snapshot(): Record<string, unknown> {
    return {
      owner_id: this.ownerId,
      users: [...this.users.values()],
      deleted_users: [...this.deletedUsers.values()],
      tickets: [...this.tickets.values()],
      jobs: [...this.jobs.values()],
      custom_roles: [...this.customRoles.values()],
    };
  }
}
