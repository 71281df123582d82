// Zendesk's own user events (its event webhooks, `zen:event-type:user.*`), as kept on the `zendesk.user-events`
// topic: the body Zendesk posted, unchanged, keyed by the Zendesk user id. The envelope is Zendesk's (type, id,
// time, subject, detail, event); `userChangeOf` reads the change it reports in our words, so that confirmation and
// drift detection (issue 24) do not each parse Zendesk's shapes. Zendesk sends ids as strings in `detail`.
import { z } from 'zod';

/** The prefix of every Zendesk user event type. */
export const ZENDESK_USER_EVENT_PREFIX = 'zen:event-type:user.';

/** The envelope Zendesk posts for an event webhook. Unknown fields are kept (Zendesk adds some over time). */
export const ZendeskUserEventSchema = z
  .object({
    type: z.string().startsWith(ZENDESK_USER_EVENT_PREFIX),
    /** Zendesk's event id: what deduplicates a delivery Zendesk retried. */
    id: z.string().min(1),
    account_id: z.number().int(),
    time: z.string().datetime({ offset: true }),
    zendesk_event_version: z.string().optional(),
    /** `zen:user:<id>`. */
    subject: z.string().regex(/^zen:user:\d+$/),
    detail: z
      .object({
        id: z.string().regex(/^\d+$/),
        role: z.string().optional(),
        email: z.string().nullable().optional(),
        external_id: z.string().nullable().optional(),
      })
      .passthrough(),
    event: z.record(z.string(), z.unknown()).default({}),
  })
  .passthrough();
/** A Zendesk user event (webhook envelope), as it arrives. */
export type ZendeskUserEvent = z.infer<typeof ZendeskUserEventSchema>;

/** What a Zendesk user event says changed, in our words. */
export type UserChange =
  | { kind: 'role'; previous: string | null; current: string | null }
  | { kind: 'custom_role'; previous: number | null; current: number | null }
  /** Active status: false when the user was (soft-)deleted, true when restored or created. */
  | { kind: 'active'; previous: boolean | null; current: boolean | null }
  | { kind: 'suspended'; previous: boolean | null; current: boolean | null }
  | { kind: 'group_added'; group_id: number | null }
  | { kind: 'group_removed'; group_id: number | null }
  | { kind: 'created' }
  | { kind: 'other'; type: string };

/** A Zendesk user event read into the project's words (`userChangeOf`). */
export interface ReadUserEvent {
  /** Zendesk's event id. */
  event_id: string;
  user_id: number;
  /** When it happened, as Zendesk says (ISO 8601). */
  time: string;
  /** The role Zendesk reports the user has now (from `detail`). */
  role: string | null;
  change: UserChange;
}

const num = (value: unknown): number | null => {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return null;
};
const bool = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The group a membership event names (`event.group_id`, or `event.group.id`), or null. */
function groupOf(event: Record<string, unknown>): number | null {
  const direct = num(event.group_id);
  if (direct !== null) return direct;
  const group = event.group;
  return group && typeof group === 'object' ? num((group as Record<string, unknown>).id) : null;
}

/** Reads a parsed Zendesk user event into our words. */
export function userChangeOf(event: ZendeskUserEvent): ReadUserEvent {
  const name = event.type.slice(ZENDESK_USER_EVENT_PREFIX.length);
  const e = event.event;
  let change: UserChange;
  switch (name) {
    case 'role_changed':
      change = { kind: 'role', previous: str(e.previous), current: str(e.current) };
      break;
    case 'custom_role_changed':
      change = { kind: 'custom_role', previous: num(e.previous), current: num(e.current) };
      break;
    case 'active_changed':
      change = { kind: 'active', previous: bool(e.previous), current: bool(e.current) };
      break;
    case 'suspended_changed':
      change = { kind: 'suspended', previous: bool(e.previous), current: bool(e.current) };
      break;
    case 'group_membership_created':
      change = { kind: 'group_added', group_id: groupOf(e) };
      break;
    case 'group_membership_deleted':
      change = { kind: 'group_removed', group_id: groupOf(e) };
      break;
    case 'created':
      change = { kind: 'created' };
      break;
    default:
      change = { kind: 'other', type: event.type };
  }
  return {
    event_id: event.id,
    user_id: Number(event.detail.id),
    time: event.time,
    role: event.detail.role ?? null,
    change,
  };
}
