// The records the sandbox keeps, shaped like Zendesk's JSON so that replies are the records themselves.

export type Role = 'end-user' | 'agent' | 'admin';

export interface User {
  id: number;
  url: string;
  name: string;
  email: string;
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

export interface CustomRole {
  id: number;
  name: string;
  description: string;
  role_type: number;
  configuration: Record<string, unknown>;
}

export interface JobResult {
  id: number;
  action?: string;
  success: boolean;
  status?: string;
  error?: string;
  details?: string;
}

export interface JobStatus {
  id: string;
  url: string;
  total: number;
  progress: number;
  status: 'queued' | 'working' | 'completed' | 'failed' | 'killed';
  message: string | null;
  results: JobResult[];
}

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
}

/** Ticket as Zendesk returns it (comments are only reachable through the state handle). */
export function publicTicket(ticket: Ticket): Omit<Ticket, 'comments'> {
  const { comments: _comments, ...rest } = ticket;
  return rest;
}

export const LIGHT_AGENT_ROLE_ID = 360000000001;
export const CONTRIBUTOR_ROLE_ID = 360000000002;
export const STAFF_ROLE_ID = 360000000003;

/** role_type as Zendesk derives it: from the role and the custom role. */
export function roleTypeOf(
  role: Role,
  customRoleId: number | null,
  roles: Map<number, CustomRole>,
): number | null {
  if (role === 'end-user') return null;
  if (role === 'admin') return 4;
  if (customRoleId !== null) return roles.get(customRoleId)?.role_type ?? 0;
  return 0;
}
