// Zendesk's user events (webhook event types `zen:event-type:user.*`), as the sandbox makes them: it keeps a shadow
// of what each user looked like when last seen (role, custom role, active, suspended, groups) and, on every sweep,
// turns the differences into the envelopes Zendesk posts (developer.zendesk.com, Webhooks > Event types > User
// events): { type, account_id, id, time, zendesk_event_version, subject: "zen:user:<id>", detail, event }, `detail`
// holding the user's created_at, email, external_id, default_group_id, id, organization_id (ids as strings), role
// and updated_at. Diffing the state, rather than hooking each route, catches every change: our client's, any API
// caller's, a bulk job's, a test's that edits the state directly.
import { randomUUID } from 'node:crypto';
import type { User } from '../model.js';
import type { SandboxState } from '../state.js';

/** The user event types the sandbox emits. */
export const SANDBOX_USER_EVENT_TYPES = [
  'zen:event-type:user.created',
  'zen:event-type:user.role_changed',
  'zen:event-type:user.custom_role_changed',
  'zen:event-type:user.active_changed',
  'zen:event-type:user.suspended_changed',
  'zen:event-type:user.group_membership_created',
  'zen:event-type:user.group_membership_deleted',
] as const;

/** The sandbox account's id (Zendesk's envelopes carry the account's numeric id). */
export const SANDBOX_ACCOUNT_ID = 90_000_001;
/** The event schema version the envelopes declare. */
export const ZENDESK_EVENT_VERSION = '2022-11-06';

/** The body Zendesk posts for a user event (zen:event-type:user.*). */
export interface ZendeskUserEventEnvelope {
  type: string;
  account_id: number;
  id: string;
  time: string;
  zendesk_event_version: string;
  subject: string;
  detail: Record<string, string | null>;
  event: Record<string, unknown>;
}

interface Seen {
  role: string;
  custom_role_id: number | null;
  active: boolean;
  suspended: boolean;
  groups: Set<number>;
}

const str = (value: number | null | undefined): string | null =>
  value === null || value === undefined ? null : String(value);

function detailOf(user: User): Record<string, string | null> {
  return {
    created_at: user.created_at,
    email: user.email ?? null,
    external_id: user.external_id,
    default_group_id: str(user.default_group_id),
    id: String(user.id),
    organization_id: str(user.organization_id),
    role: user.role,
    updated_at: user.updated_at,
  };
}

/** Watches one account's users; `sweep()` returns the events for what changed since the last sweep. */
export class UserEventWatcher {
  private readonly seen = new Map<number, Seen>();

  constructor(private readonly state: SandboxState) {
    for (const [id, seen] of this.current()) this.seen.set(id, seen);
  }

  /** Whether this watcher watches that state (the account is replaced on reset). */
  watches(state: SandboxState): boolean {
    return this.state === state;
  }

  private current(): Map<number, Seen> {
    const groups = new Map<number, Set<number>>();
    for (const m of this.state.memberships) {
      const set = groups.get(m.user_id) ?? new Set<number>();
      set.add(m.group_id);
      groups.set(m.user_id, set);
    }
    const now = new Map<number, Seen>();
    const add = (user: User, active: boolean) =>
      now.set(user.id, {
        role: user.role,
        custom_role_id: user.custom_role_id,
        active,
        suspended: user.suspended,
        groups: active ? (groups.get(user.id) ?? new Set()) : new Set(),
      });
    for (const user of this.state.deletedUsers.values()) add(user, false);
    for (const user of this.state.users.values()) add(user, true);
    return now;
  }

  sweep(time = new Date()): ZendeskUserEventEnvelope[] {
    const events: ZendeskUserEventEnvelope[] = [];
    const at = time.toISOString();
    const now = this.current();
    for (const [id, after] of now) {
      const before = this.seen.get(id);
      const user = this.state.users.get(id) ?? this.state.deletedUsers.get(id);
      if (!user) continue;
      const emit = (name: string, event: Record<string, unknown>) =>
        events.push({
          type: `zen:event-type:user.${name}`,
          account_id: SANDBOX_ACCOUNT_ID,
          id: randomUUID(),
          time: at,
          zendesk_event_version: ZENDESK_EVENT_VERSION,
          subject: `zen:user:${id}`,
          detail: detailOf(user),
          event,
        });
      const groupEvents = (was: Set<number>) => {
        for (const g of after.groups) if (!was.has(g)) emit('group_membership_created', groupOf(g));
        for (const g of was) if (!after.groups.has(g)) emit('group_membership_deleted', groupOf(g));
      };
      if (!before) {
        if (!after.active) continue; // first seen already deleted: nothing to report
        emit('created', {});
        groupEvents(new Set());
        continue;
      }
      if (before.role !== after.role) emit('role_changed', { previous: before.role, current: after.role });
      if (before.custom_role_id !== after.custom_role_id)
        emit('custom_role_changed', {
          previous: str(before.custom_role_id),
          current: str(after.custom_role_id),
        });
      if (before.suspended !== after.suspended)
        emit('suspended_changed', { previous: before.suspended, current: after.suspended });
      if (before.active !== after.active)
        emit('active_changed', { previous: before.active, current: after.active });
      groupEvents(before.groups);
    }
    this.seen.clear();
    for (const [id, seen] of now) this.seen.set(id, seen);
    return events;
  }
}

/** A group membership event's `event` object: the group, its id as a string (ids are strings in these payloads). */
function groupOf(groupId: number): Record<string, unknown> {
  return { group_id: String(groupId) };
}
