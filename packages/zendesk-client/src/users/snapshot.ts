// Zendesk user JSON -> core's UserSnapshot, and the account status of the capability spec.
import type { UserSnapshot } from '@zendesk-lifecycle/core';

/** The user fields we read from Zendesk's JSON: the snapshot's fields, as Zendesk names them. */
export type ZendeskUser = Omit<UserSnapshot, 'is_account_owner'>;

/** An account's status as the project reads it. */
export type AccountStatus = 'active' | 'suspended' | 'deprovisioned';

/** Core's `UserSnapshot` of a Zendesk user (owner flag from the configured owner id). */
export function toSnapshot(user: ZendeskUser, ownerId: number | null): UserSnapshot {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    external_id: user.external_id ?? null,
    role: user.role,
    role_type: user.role_type ?? null,
    custom_role_id: user.custom_role_id ?? null,
    suspended: user.suspended === true,
    active: user.active !== false,
    last_login_at: user.last_login_at ?? null,
    is_account_owner: ownerId !== null && user.id === ownerId,
  };
}

/** The spec's status table for a listed agent or admin. */
export function statusOf(user: UserSnapshot): AccountStatus {
  if (!user.active || user.suspended) return 'suspended';
  if (user.role === 'end-user') return 'deprovisioned';
  return 'active';
}
