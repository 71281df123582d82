// Seats and product roles from Zendesk's public data only: the user's role, role_type and custom_role_id, and the
// account's custom roles. No public API shows Chat, Guide or Explore roles, so where they decide (light agents and
// contributors) the answer is 'unknown', never a guess (docs/zendesk-rules.md §9, S9, S14).
import type { UserSnapshot } from '@zendesk-lifecycle/core';

/** The Support seat: paid (agents, admins, chat agents), light agent (role_type 1), free (contributors, end users). */
export type Seat = 'paid' | 'light_agent' | 'free';

/** Whether the user takes a paid agent seat; 'unknown' when only Chat/Guide/Explore roles could tell. */
export type PaidSeat = 'yes' | 'no' | 'unknown';

/** What the seat and product roles rest on: only the public user fields and custom roles. */
export type EntitlementSource = 'user_fields';

/** A custom role as `GET /api/v2/custom_roles` lists it (the fields we read). */
export interface CustomRole {
  id: number;
  name: string;
  role_type: number;
}

/** A user's seat and products, from public data (role, role type, custom role). */
export interface Entitlements {
  user_id: number;
  /**
   * Role per product as far as the public API shows it, e.g. `{ support: 'light_agent', chat: 'unknown', guide:
   * 'unknown', explore: 'unknown' }`. Chat, Guide and Explore roles are 'unknown' (no public API shows them),
   * except a chat agent's (role_type 2) chat role.
   */
  products: Record<string, string>;
  seat: Seat;
  /**
   * 'yes' for agents and admins (suspended ones too), 'no' for end users and deleted users, 'unknown' for light
   * agents and contributors: a Chat, Guide or Explore role they may hold makes them paid (S9).
   */
  paid_seat: PaidSeat;
  /** A suspended agent still takes its seat; only a downgrade frees it (docs/zendesk-rules.md §2, S9). */
  suspended: boolean;
  source: EntitlementSource;
}

export const UNKNOWN = 'unknown';
/** Products whose roles the Support API does not show (docs/zendesk-rules.md §9: S9's Zendesk reply). */
const HIDDEN_PRODUCTS = ['chat', 'guide', 'explore'] as const;

/** Zendesk's role_type, from the user, else from its custom role, else from its role. */
function roleTypeOf(user: UserSnapshot, roles: ReadonlyMap<number, CustomRole> | null): number | null {
  if (user.role_type !== null) return user.role_type;
  const custom = user.custom_role_id !== null ? roles?.get(user.custom_role_id) : undefined;
  if (custom) return custom.role_type;
  if (user.role === 'admin') return 4;
  return user.role === 'agent' ? 0 : null;
}

function supportRoleOf(
  user: UserSnapshot,
  roleType: number | null,
  roles: ReadonlyMap<number, CustomRole> | null,
): string {
  if (roleType === 5) return 'billing_admin';
  if (user.role === 'admin' || roleType === 4) return 'admin';
  if (roleType === 1) return 'light_agent';
  if (roleType === 2) return 'chat_agent';
  if (roleType === 3) return 'contributor';
  if (user.custom_role_id === null) return 'agent';
  return roles?.get(user.custom_role_id)?.name ?? `custom_${user.custom_role_id}`;
}

/** Seat and product roles of one user, from its public fields and the account's custom roles (null: not known). */
export function entitlementsOf(
  user: UserSnapshot,
  roles: ReadonlyMap<number, CustomRole> | null,
): Entitlements {
  const base = { user_id: user.id, suspended: user.suspended, source: 'user_fields' as const };
  // End users and deleted users take no seat, and have no product roles to speak of.
  if (user.role === 'end-user' || !user.active)
    return { ...base, products: {}, seat: 'free', paid_seat: 'no' };
  const roleType = roleTypeOf(user, roles);
  const products: Record<string, string> = { support: supportRoleOf(user, roleType, roles) };
  for (const product of HIDDEN_PRODUCTS) products[product] = UNKNOWN;
  if (roleType === 2) products.chat = 'agent';
  if (roleType === 1) return { ...base, products, seat: 'light_agent', paid_seat: 'unknown' };
  if (roleType === 3) return { ...base, products, seat: 'free', paid_seat: 'unknown' };
  return { ...base, products, seat: 'paid', paid_seat: 'yes' };
}
