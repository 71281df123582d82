// The closed loop's rules (issue 24): which Zendesk user event confirms a step we took, whether Zendesk's state read
// back agrees with it, and which event gives access back to someone our pipeline removed (drift). Pure: the
// consumer's confirm/ module feeds them Kafka records and Zendesk reads.
import type { ActionName } from '../model/actions.js';
import type { Outcome } from '../model/outcomes.js';
import type { UserSnapshot } from '../model/users.js';
import type { UserChange } from '../events/zendesk-user-event.js';

/** One state a step leaves the user in, as a Zendesk user event reports it. */
export type ExpectedState =
  /** `staff`: agent or admin; otherwise end-user. */
  | { field: 'role'; staff: boolean }
  | { field: 'suspended'; value: boolean }
  /** Active status: false once soft-deleted. */
  | { field: 'active'; value: boolean };

/** What a succeeded step expects Zendesk to report: any one of these states confirms it. */
export interface Expectation {
  action: ActionName;
  any: ExpectedState[];
}

const STAFF_ROLES: ReadonlySet<string> = new Set(['agent', 'admin']);
const isStaff = (role: string | null | undefined): boolean => role != null && STAFF_ROLES.has(role);

/**
 * What a step expects, or null when it expects nothing: only a `succeeded` step changed Zendesk (an
 * `already_done` one changed nothing, so no event will come); a purge removes a user already inactive, and a data
 * transfer changes tickets, not the user.
 */
export function expectationOf(action: ActionName, outcome: Outcome): Expectation | null {
  if (outcome !== 'succeeded') return null;
  switch (action) {
    case 'downgrade':
      return { action, any: [{ field: 'role', staff: false }] };
    case 'suspend':
      return { action, any: [{ field: 'suspended', value: true }] };
    case 'unsuspend':
      return { action, any: [{ field: 'suspended', value: false }] };
    case 'deprovision':
      return { action, any: [{ field: 'active', value: false }] };
    case 'restore':
      // Undo puts back the role and/or the suspension recorded before: either change confirms it.
      return {
        action,
        any: [
          { field: 'role', staff: true },
          { field: 'suspended', value: false },
        ],
      };
    case 'purge':
    case 'transfer_data':
      return null;
  }
}

const stateMatches = (state: ExpectedState, change: UserChange): boolean => {
  switch (state.field) {
    case 'role':
      return change.kind === 'role' && isStaff(change.current) === state.staff && change.current !== null;
    case 'suspended':
      return change.kind === 'suspended' && change.current === state.value;
    case 'active':
      return change.kind === 'active' && change.current === state.value;
  }
};

/** Whether Zendesk's event reports the state the step expects. */
export function confirms(expectation: Expectation, change: UserChange): boolean {
  return expectation.any.some((state) => stateMatches(state, change));
}

/**
 * Whether the user as read back from Zendesk (null: no longer found) is in the state the step left it in. A
 * user that is gone or soft-deleted has no access: that agrees with every removal (downgrade, suspend, deprovision)
 * and with none of the reversals.
 */
export function stateAgrees(expectation: Expectation, user: UserSnapshot | null): boolean {
  const gone = user === null || !user.active;
  return expectation.any.some((state) => {
    switch (state.field) {
      case 'role':
        return state.staff ? !gone && isStaff(user.role) : gone || !isStaff(user.role);
      case 'suspended':
        return state.value ? gone || user.suspended : !gone && !user.suspended;
      case 'active':
        return state.value ? !gone : gone;
    }
  });
}

/** One sentence for people: what the step expects. */
export function describeExpectation(expectation: Expectation): string {
  const one = (state: ExpectedState): string => {
    switch (state.field) {
      case 'role':
        return state.staff ? 'role agent or admin' : 'role end-user';
      case 'suspended':
        return state.value ? 'suspended' : 'not suspended';
      case 'active':
        return state.value ? 'active' : 'deleted (inactive)';
    }
  };
  return expectation.any.map(one).join(' or ');
}

/** One sentence for people: what Zendesk reports about a user read back. */
export function describeUserState(user: UserSnapshot | null): string {
  if (user === null) return 'not found (deleted)';
  return `role ${user.role}, ${user.suspended ? 'suspended' : 'not suspended'}, ${user.active ? 'active' : 'deleted (inactive)'}`;
}

/** Steps that take access away: a later event that gives it back outside the lifecycle is drift. */
export const REMOVAL_ACTIONS: readonly ActionName[] = ['downgrade', 'suspend', 'deprovision', 'purge'];
/** Steps of our own re-hire (reversal): they end what our pipeline removed. */
export const REVERSAL_ACTIONS: readonly ActionName[] = ['unsuspend', 'restore'];

/** Done in Zendesk (now or before): the user is removed, or given back, by us. */
const done = (outcome: Outcome) => outcome === 'succeeded' || outcome === 'already_done';

/** The removal actions a result's steps carried out (succeeded or already done), in order. */
export function removalsOf(steps: ReadonlyArray<{ action: ActionName; outcome: Outcome }>): ActionName[] {
  return steps.filter((s) => done(s.outcome) && REMOVAL_ACTIONS.includes(s.action)).map((s) => s.action);
}

/** Whether a result's steps reversed a removal (our own re-hire or restore). */
export function reversesRemoval(steps: ReadonlyArray<{ action: ActionName; outcome: Outcome }>): boolean {
  return steps.some((s) => done(s.outcome) && REVERSAL_ACTIONS.includes(s.action));
}

/** Whether a Zendesk event gives access back: role back to agent/admin, unsuspended, active again, group added. */
export function givesAccessBack(change: UserChange): boolean {
  switch (change.kind) {
    case 'role':
      return isStaff(change.current) && !isStaff(change.previous);
    case 'suspended':
      return change.current === false && change.previous !== false;
    case 'active':
      return change.current === true && change.previous !== true;
    case 'group_added':
      return true;
    default:
      return false;
  }
}

/** What our pipeline removed from a user, as the results topic says (the latest removal wins). */
export interface Removal {
  /** When the removing result finished (ISO 8601). */
  at: string;
  actions: ActionName[];
  source_event: { id: string; source: string; type: string };
}

/**
 * Drift: the event gives access back to a user our pipeline removed no longer ago than `horizonDays` (by the
 * event's time), and no re-hire of ours has ended that removal since (the caller drops the removal then).
 */
export function isDrift(input: {
  change: UserChange;
  eventTime: string;
  removal: Removal | null;
  horizonDays: number;
}): boolean {
  if (input.removal === null || !givesAccessBack(input.change)) return false;
  // Zendesk's times are whole seconds: an event in the same second as the removal came after it.
  const removedAt = Math.floor(Date.parse(input.removal.at) / 1000) * 1000;
  const age = Date.parse(input.eventTime) - removedAt;
  return age >= 0 && age <= input.horizonDays * 86_400_000;
}

/**
 * The removal to apply again after drift: what the removing result did that the event undid (a role given back:
 * the downgrade, or a suspension when none was done; unsuspended: the suspension), never a purge (irreversible,
 * and the user is active again only if it was never purged), at least a suspension.
 */
export function reapplyActionsOf(change: UserChange, removal: Removal): ActionName[] {
  const did = new Set(removal.actions);
  const wanted: ActionName[] = [];
  if ((change.kind === 'role' || change.kind === 'group_added') && did.has('downgrade'))
    wanted.push('downgrade');
  if (did.has('suspend') || wanted.length === 0) wanted.push('suspend');
  if (change.kind === 'active' && did.has('deprovision')) wanted.push('deprovision');
  return wanted;
}

/** One sentence for people: the change a Zendesk event reports. */
export function describeChange(change: UserChange): string {
  switch (change.kind) {
    case 'role':
      return `role ${change.previous ?? '?'} -> ${change.current ?? '?'}`;
    case 'custom_role':
      return `custom role ${change.previous ?? 'none'} -> ${change.current ?? 'none'}`;
    case 'active':
      return `active ${String(change.previous)} -> ${String(change.current)}`;
    case 'suspended':
      return `suspended ${String(change.previous)} -> ${String(change.current)}`;
    case 'group_added':
      return `added to group ${change.group_id ?? '?'}`;
    case 'group_removed':
      return `removed from group ${change.group_id ?? '?'}`;
    case 'created':
      return 'created';
    case 'other':
      return change.type;
  }
}
