// Who may ask for what: named principals (credentials by env var name or hash, never the secret), their rights,
// the implicit `default` principal of INGEST_TOKEN / INGEST_HMAC_SECRET, and what direct Kafka publishers may do.
import { z } from 'zod';
import { EVENT_TYPES, WORKFLOW_OF_TYPE } from '../events/event-types.js';
import type { LifecycleEvent } from '../events/schemas.js';
import { ACTIONS, type ActionName } from '../model/actions.js';
import { isAllowed } from '../workflows/matrix.js';

/** The CloudEvents authcontext `authtype` values (authcontext extension of CloudEvents 1.0). */
export const AUTH_TYPES = [
  'app_user',
  'user',
  'service_account',
  'api_key',
  'system',
  'unauthenticated',
  'unknown',
] as const;
/** How the sender of an event was authenticated. */
export type AuthType = (typeof AUTH_TYPES)[number];

/** The name of the principal INGEST_TOKEN / INGEST_HMAC_SECRET authenticate (unless the policy turns it off). */
export const DEFAULT_PRINCIPAL = 'default';

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { message: 'must be an environment variable name' });

/** What a principal (or a direct publisher) may ask for. */
const rightsSchema = z
  .object({
    /** `source` values it may use: exact, or a prefix ending in `*` (`"hr/*"`); `"*"` is any source. */
    sources: z.array(z.string().min(1).max(1024)).min(1),
    types: z.array(z.enum(EVENT_TYPES)).min(1),
    /** The actions it may name in `data.actions`; empty: it may not name any (the policy's plan applies). */
    actions: z.array(z.enum(ACTIONS)).default([]),
  })
  .strict();

const principalSchema = rightsSchema
  .extend({
    credentials: z
      .object({
        /** Bearer tokens: `{ "env": "NAME" }` (the token is in that variable) or `{ "sha256": "<hex>" }`. */
        tokens: z
          .array(
            z.union([
              z.object({ env: envName }).strict(),
              z
                .object({
                  sha256: z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be 64 lower-case hex' }),
                })
                .strict(),
            ]),
          )
          .default([]),
        /** HMAC keys for signed requests, each with an id (rotation: list the old and the new key). */
        hmac_keys: z
          .array(z.object({ id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/), env: envName }).strict())
          .default([]),
      })
      .strict()
      .refine((c) => c.tokens.length + c.hmac_keys.length > 0, {
        message: 'a principal needs a token or an HMAC key',
      }),
    may_target_admins: z.boolean().default(false),
  })
  .strict();

const defaultPrincipalSchema = rightsSchema
  .extend({ may_target_admins: z.boolean().default(false) })
  .strict();

/** What a principal may ask for: sources, types, actions, whether admins may be targeted. */
export type Rights = z.output<typeof rightsSchema>;
/** A principal of the policy: its credential and rights. */
export type PrincipalPolicy = z.output<typeof principalSchema>;

/** Today's rights of the single shared credential and of direct publishers: any source, type and action. */
const ANY: Rights = { sources: ['*'], types: [...EVENT_TYPES], actions: [...ACTIONS] };

/** The policy's fields about principals (merged into the policy schema). */
export const principalPolicyFields = {
  principals: z
    .record(
      z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, { message: 'a name: a-z, 0-9, . _ -' }),
      principalSchema,
    )
    .default({}),
  /** The rights of INGEST_TOKEN / INGEST_HMAC_SECRET (principal `default`), or false to refuse them. */
  default_principal: z
    .union([defaultPrincipalSchema, z.literal(false)])
    .default({ ...ANY, may_target_admins: false }),
  /** What events read straight from Kafka, with no authcontext, may ask for (topic ACLs decide who writes). */
  direct_publishers: rightsSchema.default(ANY),
};

type PrincipalsPart = z.output<z.ZodObject<typeof principalPolicyFields>>;

/** Policy-level checks: no principal exceeds the matrix, HMAC key ids are unique. */
export function checkPrincipals(policy: PrincipalsPart, ctx: z.RefinementCtx): void {
  const keyIds = new Map<string, string>();
  const all: Array<[string[], Rights]> = Object.entries(policy.principals).map(([n, p]) => [
    ['principals', n],
    p,
  ]);
  if (policy.default_principal !== false) all.push([['default_principal'], policy.default_principal]);
  all.push([['direct_publishers'], policy.direct_publishers]);
  for (const [path, rights] of all) {
    for (const action of rights.actions) {
      if (!rights.types.some((type) => isAllowed(action, WORKFLOW_OF_TYPE[type]))) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'actions'],
          message: `${action} is not allowed by the workflow matrix for any of its types`,
        });
      }
    }
  }
  if (policy.principals[DEFAULT_PRINCIPAL] && policy.default_principal !== false) {
    ctx.addIssue({
      code: 'custom',
      path: ['principals', DEFAULT_PRINCIPAL],
      message:
        'the name "default" belongs to INGEST_TOKEN / INGEST_HMAC_SECRET; set "default_principal": false to use it',
    });
  }
  for (const [name, principal] of Object.entries(policy.principals)) {
    for (const key of principal.credentials.hmac_keys) {
      const other = keyIds.get(key.id);
      if (other !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['principals', name, 'credentials', 'hmac_keys'],
          message: `key id "${key.id}" is also used by principal "${other}"`,
        });
      keyIds.set(key.id, name);
    }
  }
}

/** The rights of a named principal: a policy principal, or `default` while it is on; undefined when unknown. */
export function rightsOf(
  policy: PrincipalsPart,
  name: string,
): (Rights & { may_target_admins: boolean }) | undefined {
  if (Object.hasOwn(policy.principals, name)) return policy.principals[name];
  if (name === DEFAULT_PRINCIPAL && policy.default_principal !== false) return policy.default_principal;
  return undefined;
}

function sourceAllowed(patterns: string[], source: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? source.startsWith(p.slice(0, -1)) : p === source));
}

/** Whether an event's principal may ask for it, and why not. */
export type Authorization = { ok: true } | { ok: false; reason: string };

/**
 * Whether rights allow the event: its source, its type and the actions it names. An action the principal may name
 * but the workflow matrix forbids for this type passes here and is refused (and audited) by the planner.
 */
export function checkRights(rights: Rights, event: LifecycleEvent, who: string): Authorization {
  if (!sourceAllowed(rights.sources, event.source))
    return { ok: false, reason: `${who} may not use source "${event.source}"` };
  if (!rights.types.includes(event.type)) return { ok: false, reason: `${who} may not send ${event.type}` };
  const named: ActionName[] = event.data.actions ?? [];
  const denied = named.filter((a) => !rights.actions.includes(a));
  if (denied.length > 0)
    return {
      ok: false,
      reason:
        rights.actions.length === 0
          ? `${who} may not name data.actions`
          : `${who} may not ask for ${denied.join(', ')} in a ${event.type} event`,
    };
  return { ok: true };
}

/**
 * Whether the policy lets the event through: as sent by `principal` (ingestion), or, when the event carries
 * no authcontext, as a direct Kafka publisher. The consumer calls it with the event's own authcontext.
 */
export function authorizeEvent(
  policy: PrincipalsPart,
  event: LifecycleEvent,
  principal: string | null = event.authid ?? null,
): Authorization {
  if (principal === null) {
    if (event.authtype !== undefined) return { ok: false, reason: 'authcontext has authtype but no authid' };
    return checkRights(policy.direct_publishers, event, 'a direct publisher (no authcontext)');
  }
  const rights = rightsOf(policy, principal);
  if (!rights) return { ok: false, reason: `unknown principal "${principal}"` };
  return checkRights(rights, event, `principal "${principal}"`);
}

/** The principal on a plan: who asked, and whether it may target admins; null for direct publishers. */
export interface PlanPrincipal {
  authtype: AuthType;
  authid: string;
  may_target_admins: boolean;
}

export function planPrincipalOf(policy: PrincipalsPart, event: LifecycleEvent): PlanPrincipal | null {
  if (event.authid === undefined) return null;
  return {
    authtype: event.authtype ?? 'unknown',
    authid: event.authid,
    may_target_admins: rightsOf(policy, event.authid)?.may_target_admins ?? false,
  };
}

/** The event's authcontext as audit records and results show it; null when it has none (a direct publisher). */
export function principalRefOf(event: LifecycleEvent): { authtype: string; authid: string } | null {
  return event.authid === undefined ? null : { authtype: event.authtype ?? 'unknown', authid: event.authid };
}
