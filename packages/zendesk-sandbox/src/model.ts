// The records the sandbox keeps, shaped like Zendesk's JSON so that replies are the records themselves.

export type Role = 'end-user' | 'agent' | 'admin';

/** A user as the sandbox stores it (Zendesk's user fields the project uses). */
export interface User {
  id: number;
  url: string;
  name: string;
  email: string;
  phone: string | null;
  shared_phone_number: boolean | null;
  photo: Record<string, unknown> | null;
  role: Role;
  role_type: number | null;
  custom_role_id: number | null;
  active: boolean;
  suspended: boolean;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
  external_id: string | null;
  organization_id: number | null;
  default_group_id: number | null;
  restricted_agent: boolean;
  moderator: boolean;
  ticket_restriction: string | null;
  only_private_comments: boolean;
  two_factor_auth_enabled: boolean;
  tags: string[];
  locale: string;
  locale_id: number;
  time_zone: string;
  verified: boolean;
  shared_agent: boolean;
  user_fields: Record<string, unknown>;
}

export interface Comment {
  id: number;
  body: string;
  html_body: string;
  public: boolean;
  author_id: number;
  created_at: string;
}

export type TicketStatus = 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed';

/** A ticket as the sandbox stores it. */
export interface Ticket {
  id: number;
  url: string;
  subject: string;
  description: string;
  status: TicketStatus;
  priority: 'low' | 'normal' | 'high' | 'urgent' | null;
  type: string | null;
  requester_id: number;
  submitter_id: number;
  assignee_id: number | null;
  group_id: number | null;
  brand_id: number | null;
  ticket_form_id: number | null;
  tags: string[];
  external_id: string | null;
  custom_fields: Array<{ id: number; value: unknown }>;
  created_at: string;
  updated_at: string;
  comments: Comment[];
}

/** A custom agent role, as Zendesk's custom_roles endpoint shows it. */
export interface CustomRole {
  id: number;
  name: string;
  description: string;
  role_type: number;
  configuration: Record<string, unknown>;
}

/** A job result: an update {id, action, success, status}, a creation {id, index}, or a failure (FailedResult). */
export interface JobResult {
  id?: number;
  index?: number;
  action?: string;
  success?: boolean;
  status?: string;
  error?: string;
  details?: string;
}

export interface Group {
  id: number;
  url: string;
  name: string;
  description: string;
  default: boolean;
  deleted: boolean;
  is_public: boolean;
  created_at: string;
  updated_at: string;
}

export interface GroupMembership {
  id: number;
  url: string;
  user_id: number;
  group_id: number;
  default: boolean;
  created_at: string;
  updated_at: string;
}

/** A bulk job (job_statuses), queued, then working, then completed or failed. */
export interface JobStatus {
  id: string;
  url: string;
  job_type: string;
  total: number;
  progress: number;
  status: 'queued' | 'working' | 'completed' | 'failed';
  message: string | null;
  results: JobResult[];
}

/** One request the sandbox answered: method, path, query, status (to check what a client sent). */
export interface LoggedRequest {
  method: string;
  path: string;
  /** The query string as sent, without the leading "?" ("" when none). */
  query: string;
  status: number;
  request_id: string;
  idempotency_key: string | null;
  /** true for requests that may change state (anything but GET and HEAD) on the Zendesk API. */
  mutating: boolean;
  /** true when the request changed the account (a no-op update is false). */
  changed: boolean;
  time: string;
  /**
   * A fault the sandbox injected (faults.ts): an error, a rate-limit storm or a reset before the handler ran
   * (nothing changed), or a reset after it ran (the change happened, the answer was lost). Absent otherwise.
   */
  fault?: 'error' | 'rate_limit_storm' | 'reset_before' | 'reset_after';
}

/** Ticket as Zendesk returns it (comments are only reachable through the state handle). */
export function publicTicket(ticket: Ticket): Omit<Ticket, 'comments'> {
  const { comments: _comments, ...rest } = ticket;
  return rest;
}

/** The built-in light agent role's id in every seeded account. */
export const LIGHT_AGENT_ROLE_ID = 360000000001;
/** The built-in contributor role's id in every seeded account. */
export const CONTRIBUTOR_ROLE_ID = 360000000002;
/** The built-in staff role's id in every seeded account. */
export const STAFF_ROLE_ID = 360000000003;
/** The built-in admin roles every account lists (S15): admin (role_type 4) and billing admin (5). */
export const ADMIN_ROLE_ID = 360000000004;
/** The built-in billing admin role's id (role_type 5). */
export const BILLING_ADMIN_ROLE_ID = 360000000005;

/** role_type as Zendesk derives it: from the role and the custom role (admins: 4, or 5 for billing admins). */
export function roleTypeOf(
  role: Role,
  customRoleId: number | null,
  roles: Map<number, CustomRole>,
): number | null {
  if (role === 'end-user') return null;
  if (role === 'admin') return customRoleId === BILLING_ADMIN_ROLE_ID ? 5 : 4;
  if (customRoleId !== null) return roles.get(customRoleId)?.role_type ?? 0;
  return 0;
}

/** The custom_role_id a role keeps: admins carry a built-in admin role (S15), end users none. */
export function customRoleFor(role: Role, customRoleId: number | null): number | null {
  if (role === 'end-user') return null;
  if (role === 'admin') return customRoleId === BILLING_ADMIN_ROLE_ID ? BILLING_ADMIN_ROLE_ID : ADMIN_ROLE_ID;
  return customRoleId === ADMIN_ROLE_ID || customRoleId === BILLING_ADMIN_ROLE_ID ? null : customRoleId;
}
