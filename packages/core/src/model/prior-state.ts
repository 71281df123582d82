// What undo restores: a user's Zendesk state before a lifecycle event changed it, as its audit record holds it.
import { z } from 'zod';
import { ACTIONS } from './actions.js';
import { ZENDESK_ROLES, type UserSnapshot } from './users.js';

/** The actions that change a user (role, groups, suspension, deletion): their records hold the state to go back to. */
export const STATE_CHANGING_ACTIONS = ['downgrade', 'suspend', 'deprovision'] as const;

/** The part of a user undo puts back: role, custom role, suspension and group memberships. */
export const userStateSchema = z.object({
  role: z.enum(ZENDESK_ROLES),
  role_type: z.number().int().nullable(),
  custom_role_id: z.number().int().nullable(),
  suspended: z.boolean(),
  /** Group ids, ascending; null when they were not read (a record written before memberships were recorded). */
  group_ids: z.array(z.number().int()).nullable(),
});
/** The parts of a user that undo puts back: role, custom role, suspension, groups. */
export type UserState = z.infer<typeof userStateSchema>;

/**
 * Who the user was (name, email, external id) when the state was recorded: what a re-hire needs to give a
 * soft-deleted person a new profile, since Zendesk cannot undelete (docs/zendesk-rules.md §4).
 */
export const userIdentitySchema = z.object({
  name: z.string(),
  email: z.string().nullable(),
  external_id: z.string().nullable(),
});
/** Who the person was in Zendesk (name, email, external id): what a re-hire needs to make them a new profile. */
export type UserIdentity = z.infer<typeof userIdentitySchema>;

/** The state before the most recent lifecycle event that changed a user, and the record it was read from. */
export const priorStateSchema = userStateSchema.extend({
  /** Absent in records written before identities were recorded. */
  identity: userIdentitySchema.optional(),
  /** Where it was recorded: the audit ticket, the event and its step. */
  recorded_in: z
    .object({
      ticket_id: z.number().int(),
      event_id: z.string(),
      action: z.enum(ACTIONS),
    })
    .optional(),
});
/** A user's state before the lifecycle event that changed it, as the audit trail recorded it. */
export type PriorState = z.infer<typeof priorStateSchema>;

/** The undo-relevant state of a user snapshot. */
export function userStateOf(user: UserSnapshot): UserState {
  return {
    role: user.role,
    role_type: user.role_type,
    custom_role_id: user.custom_role_id,
    suspended: user.suspended,
    group_ids: user.group_ids ? [...user.group_ids].sort((a, b) => a - b) : null,
  };
}

/** The identity part of a user snapshot. */
export function userIdentityOf(user: UserSnapshot): UserIdentity {
  return { name: user.name, email: user.email, external_id: user.external_id };
}

/** Whether the user is already in the prior state (groups compared only when the prior state has them). */
export function matchesState(user: UserSnapshot, prior: UserState): boolean {
  const now = userStateOf(user);
  const sameGroups =
    prior.group_ids === null ||
    (now.group_ids !== null &&
      now.group_ids.length === prior.group_ids.length &&
      [...prior.group_ids].sort((a, b) => a - b).every((id, i) => now.group_ids![i] === id));
  return (
    now.role === prior.role &&
    now.suspended === prior.suspended &&
    (prior.custom_role_id === null || now.custom_role_id === prior.custom_role_id) &&
    sameGroups
  );
}

/** "agent (custom role 42), not suspended, groups 3, 7": the state in words, for details and audit comments. */
export function describeState(state: UserState): string {
  const role =
    state.custom_role_id === null ? state.role : `${state.role} (custom role ${state.custom_role_id})`;
  const groups =
    state.group_ids === null
      ? 'groups not recorded'
      : state.group_ids.length === 0
        ? 'no groups'
        : `groups ${state.group_ids.join(', ')}`;
  return `${role}, ${state.suspended ? 'suspended' : 'not suspended'}, ${groups}`;
}
