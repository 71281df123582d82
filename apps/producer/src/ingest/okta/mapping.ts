// From one Okta System Log event to one lifecycle CloudEvent, by the policy's `okta` mapping (core's okta.ts).
// The CloudEvent id is derived from Okta's uuid, so a delivery Okta repeats gives the same event id (which the
// consumer deduplicates). The user is named by email (the Okta login) or by the Okta user id as external id;
// the Okta id, login and event uuid are kept in `reason`, which the audit ticket shows.
import { z } from 'zod';
import {
  createLifecycleEvent,
  oktaMappings,
  type LifecycleEvent,
  type OktaMapping,
  type OktaPolicy,
  type UserRef,
} from '@zendesk-lifecycle/core';
import { logEventSchema, type LogEvent, type LogParty } from './system-log.js';

/** Why an Okta event was not turned into a lifecycle event (the metric's `reason` label). */
export type IgnoredReason =
  | 'invalid' // not a System Log event we can read
  | 'unmapped' // its eventType is not in the mapping
  | 'not_zendesk_app' // a mapping for the Zendesk app only, and the app is another one
  | 'failed_outcome' // Okta reports the operation itself failed (outcome.result other than SUCCESS)
  | 'no_user' // no target of type User
  | 'unmatched_login'; // the login is not an email and no login_domain is configured

export type Mapped =
  | { kind: 'event'; uuid: string; oktaType: string; event: LifecycleEvent }
  | { kind: 'ignored'; reason: IgnoredReason; uuid?: string; oktaType?: string; detail?: string };

/** The CloudEvent id of the lifecycle event made from the Okta event with this uuid. */
export const cloudEventIdOf = (uuid: string): string => `okta-${uuid}`;

const emailSchema = z.email().max(254);
const isEmail = (text: string): boolean => emailSchema.safeParse(text).success;
const clip = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

function isZendeskApp(target: LogParty, okta: OktaPolicy): boolean {
  if (target.type !== 'AppInstance') return false;
  if (target.id && okta.zendesk_app.ids.includes(target.id)) return true;
  const names = okta.zendesk_app.names.map((n) => n.toLowerCase());
  return [target.alternateId, target.displayName].some((n) => !!n && names.includes(n.toLowerCase()));
}

/** The Zendesk user the event is about, or why it cannot be named. */
function userRefOf(user: LogParty, okta: OktaPolicy): UserRef | 'unmatched_login' | 'no_user' {
  if (okta.match === 'external_id') return user.id ? { external_id: user.id } : 'no_user';
  const login = user.alternateId?.trim();
  if (!login) return 'no_user';
  if (isEmail(login)) return { email: login };
  if (okta.login_domain && !login.includes('@')) {
    const email = `${login}@${okta.login_domain}`;
    if (isEmail(email)) return { email };
  }
  return 'unmatched_login';
}

/** The audit ticket's "Reason": what happened in Okta, the Okta user (id, login) and the System Log event. */
function reasonOf(event: LogEvent, user: LogParty, app: LogParty | undefined): string {
  const parts = [
    `Okta ${event.eventType}`,
    `${user.type === 'User' ? 'Okta user id' : 'Okta app user id'} ${user.id ?? '(none)'}`,
    `login ${user.alternateId ?? '(none)'}`,
    ...(app ? [`app ${app.displayName ?? app.alternateId ?? '?'} (${app.id ?? '?'})`] : []),
    `System Log event ${event.uuid}`,
  ];
  return clip(parts.join('; '), 2000);
}

export interface MapOptions {
  okta: OktaPolicy;
  /** Precomputed oktaMappings(okta); computed when absent. */
  mappings?: Map<string, OktaMapping>;
}

/** One Okta event (as received, unparsed) to a lifecycle event, or the reason it is ignored. */
export function mapOktaEvent(raw: unknown, options: MapOptions): Mapped {
  const parsed = logEventSchema.safeParse(raw);
  if (!parsed.success) {
    const maybe = (raw ?? {}) as { uuid?: unknown; eventType?: unknown };
    return {
      kind: 'ignored',
      reason: 'invalid',
      ...(typeof maybe.uuid === 'string' ? { uuid: clip(maybe.uuid, 128) } : {}),
      ...(typeof maybe.eventType === 'string' ? { oktaType: clip(maybe.eventType, 256) } : {}),
      detail: parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; '),
    };
  }
  const event = parsed.data;
  const { okta } = options;
  const base = { uuid: event.uuid, oktaType: event.eventType };
  const mapping = (options.mappings ?? oktaMappings(okta)).get(event.eventType);
  if (!mapping) return { kind: 'ignored', reason: 'unmapped', ...base };
  const result = event.outcome?.result;
  if (result && result.toUpperCase() !== 'SUCCESS')
    return { kind: 'ignored', reason: 'failed_outcome', ...base, detail: `outcome ${result}` };
  const targets = event.target ?? [];
  const app = targets.find((t) => isZendeskApp(t, okta));
  if (mapping.zendesk_app_only && !app) return { kind: 'ignored', reason: 'not_zendesk_app', ...base };
  // The Okta user; an app membership event without one names the app user, whose login serves for an email.
  const user =
    targets.find((t) => t.type === 'User') ??
    (okta.match === 'email' ? targets.find((t) => t.type === 'AppUser') : undefined);
  if (!user) return { kind: 'ignored', reason: 'no_user', ...base };
  const ref = userRefOf(user, okta);
  if (typeof ref === 'string') return { kind: 'ignored', reason: ref, ...base };
  const actor = event.actor?.alternateId ?? event.actor?.displayName ?? event.actor?.id ?? undefined;
  const lifecycle = createLifecycleEvent({
    id: cloudEventIdOf(event.uuid),
    type: mapping.type,
    source: okta.source,
    time: new Date(event.published).toISOString(),
    user: ref,
    ...(mapping.actions ? { actions: mapping.actions } : {}),
    reason: reasonOf(event, user, app),
    ...(actor ? { requested_by: clip(`Okta ${actor}`, 320) } : {}),
  });
  return { kind: 'event', ...base, event: lifecycle };
}
