// The policy's `okta` section: how Okta Event Hooks (System Log events) become lifecycle events. Which principal
// Okta authenticates as, the header its secret comes in, how users are matched, which app is the Zendesk app,
// and the mapping from Okta event types to lifecycle event types (the defaults below, overridable per type).
import { z } from 'zod';
import { EVENT_TYPES, type EventType } from '../events/event-types.js';
import { ACTIONS, type ActionName } from '../model/actions.js';

/** What one Okta event type becomes. */
const oktaMappingSchema = z
  .object({
    type: z.enum(EVENT_TYPES),
    /** The actions the event names (data.actions); absent: the policy's plan for the type. */
    actions: z.array(z.enum(ACTIONS)).min(1).optional(),
    /** Only when one of the event's targets is the Zendesk app (e.g. removed from the app's assignments). */
    zendesk_app_only: z.boolean().default(false),
  })
  .strict();

/** What one Okta System Log event type becomes: the lifecycle event type and the actions it names. */
export type OktaMapping = z.output<typeof oktaMappingSchema>;

/**
 * The default mapping. A deletion in Okta asks for the whole offboarding including deprovision, which the
 * policy still decides on: the principal's rights, and irreversible actions (refused and audited when off).
 */
export const DEFAULT_OKTA_EVENTS: Readonly<Record<string, OktaMapping>> = {
  'user.lifecycle.deactivate': { type: 'lifecycle.offboarding.v1', zendesk_app_only: false },
  'application.user_membership.remove': { type: 'lifecycle.offboarding.v1', zendesk_app_only: true },
  'user.lifecycle.suspend': { type: 'lifecycle.access_revoked.v1', zendesk_app_only: false },
  'user.lifecycle.unsuspend': { type: 'lifecycle.rehire.v1', zendesk_app_only: false },
  'user.lifecycle.reactivate': { type: 'lifecycle.rehire.v1', zendesk_app_only: false },
  'user.lifecycle.delete.initiated': {
    type: 'lifecycle.offboarding.v1',
    actions: ['downgrade', 'suspend', 'deprovision'],
    zendesk_app_only: false,
  },
};

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/, { message: 'must be an HTTP header name' })
  .transform((name) => name.toLowerCase());

export const oktaPolicySchema = z
  .object({
    /** The principal (in `principals`) whose token is the secret configured in Okta. */
    principal: z.string().min(1).default('okta'),
    /** The header Okta sends the secret in: "Authentication field" in Okta (Authorization or a custom one). */
    header: headerName.default('authorization'),
    /** The CloudEvents `source` of the events made from Okta's (the principal must be allowed it). */
    source: z.string().min(1).max(1024).default('okta'),
    /** How the Zendesk user is named: `email` (the Okta login, or login@login_domain), or `external_id` (the Okta user id). */
    match: z.enum(['email', 'external_id']).default('email'),
    /** For logins that are not email addresses: the domain appended to make one. */
    login_domain: z
      .string()
      .regex(/^[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/, { message: 'must be a domain name' })
      .optional(),
    /** The Okta app that is Zendesk: its app instance ids (0oa...) and/or names (label or app name). */
    zendesk_app: z
      .object({
        ids: z.array(z.string().min(1)).default([]),
        names: z.array(z.string().min(1)).default(['Zendesk']),
      })
      .strict()
      .default({ ids: [], names: ['Zendesk'] }),
    /** Okta event types to lifecycle events, merged over DEFAULT_OKTA_EVENTS; `false` turns a default off. */
    events: z.record(z.string().min(1), z.union([oktaMappingSchema, z.literal(false)])).default({}),
  })
  .strict();

/** The policy's `okta` section: the hook's principal and header, the Zendesk app, and the event mapping. */
export type OktaPolicy = z.output<typeof oktaPolicySchema>;

/** The mapping in force: the defaults with the policy's entries over them (those set to false removed). */
export function oktaMappings(okta: OktaPolicy): Map<string, OktaMapping> {
  const out = new Map<string, OktaMapping>(Object.entries(DEFAULT_OKTA_EVENTS));
  for (const [type, mapping] of Object.entries(okta.events)) {
    if (mapping === false) out.delete(type);
    else out.set(type, mapping);
  }
  return out;
}

/** Every lifecycle type and named action the mapping can produce (what the principal's rights must allow). */
export function oktaNeeds(okta: OktaPolicy): { types: EventType[]; actions: ActionName[] } {
  const mappings = [...oktaMappings(okta).values()];
  return {
    types: [...new Set(mappings.map((m) => m.type))],
    actions: [...new Set(mappings.flatMap((m) => m.actions ?? []))],
  };
}
