// The declarative policy: a plan per event type, protected users, the blast-radius limit, irreversible actions.
import { z } from 'zod';
import { parseConfig } from '../config/config-error.js';
import { EVENT_TYPES, type EventType } from '../events/event-types.js';
import { ACTIONS, assigneeTargetSchema, type ActionName, type AssigneeTarget } from '../model/actions.js';
import { DEFAULT_ACTION_WEIGHTS } from '../rails/blast-radius.js';
import { noTransferRules, transferRulesSchema } from '../rails/transfer-destination.js';
import { oktaPolicySchema } from './okta.js';
import { checkPrincipals, principalPolicyFields } from './principals.js';

const blastRadiusDefaults = { window_seconds: 3600, max_weight: 250, weights: { ...DEFAULT_ACTION_WEIGHTS } };

const policySchema = z
  .object({
    plans: z.partialRecord(z.enum(EVENT_TYPES), z.array(z.enum(ACTIONS)).min(1)).default({}),
    protected_users: z
      .object({
        ids: z.array(z.number().int().positive()).default([]),
        emails: z.array(z.email()).default([]),
        external_ids: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ ids: [], emails: [], external_ids: [] }),
    /**
     * The brake (rails/blast-radius.ts): the action that would take the weight of the last `window_seconds` over
     * `max_weight` trips it for the whole fleet. `weights` are merged over DEFAULT_ACTION_WEIGHTS.
     */
    blast_radius: z
      .object({
        window_seconds: z.number().int().positive().default(3600),
        max_weight: z.number().int().positive().default(250),
        weights: z
          .partialRecord(z.enum(ACTIONS), z.number().int().nonnegative())
          .default({})
          .transform((weights) => ({ ...DEFAULT_ACTION_WEIGHTS, ...weights })),
      })
      .strict()
      .default(blastRadiusDefaults),
    /**
     * Who takes over a leaver's open assigned tickets when the event's transfer destination is not an agent
     * (or none is given): `{ "agent": { "email": ... } }` or `{ "group_id": 123 }`. Without one, a downgrade or
     * deprovision of an agent who still has open assigned tickets is refused rather than letting Zendesk put
     * them on the service's own account.
     */
    reassign_assigned_tickets_to: assigneeTargetSchema.nullable().default(null),
    /**
     * Who may receive a leaver's tickets besides active, unsuspended agents and admins: `never_receive` (user refs
     * that never do) and `service_accounts` (that may, whatever their role). See rails/transfer-destination.ts.
     */
    transfer: transferRulesSchema.default(noTransferRules),
    /** Events older than this (by their `time`) are refused at the door and dead-lettered from Kafka. */
    max_event_age_days: z.number().int().positive().default(30),
    allow_irreversible: z.boolean().default(false),
    /**
     * With irreversible actions allowed, a deprovision soft-deletes at once and the permanent delete (purge) waits
     * this many days (fractions allowed: 0.5 is 12 hours); 0 deletes permanently right after the soft delete.
     * Below 30: Zendesk itself purges soft-deleted users after 30 days, so a longer wait would never happen
     * (../shared/zendesk/facts.md S10).
     */
    purge_after_days: z
      .number()
      .min(0)
      .lt(30, {
        message: 'must be below 30: Zendesk purges soft-deleted users itself after 30 days',
      })
      .default(7),
    dry_run: z.boolean().default(false),
    /** The closed loop (issue 24, apps/consumer/src/confirm): how long a succeeded step waits for Zendesk's event. */
    confirm: z
      .object({ window_minutes: z.number().positive().default(15) })
      .strict()
      .default({ window_minutes: 15 }),
    /**
     * Access given back outside the lifecycle to a user our pipeline removed no longer than `horizon_days` ago:
     * audited, reported, and applied again when `reapply` (a new event, source zendesk-lifecycle/drift).
     * `grace_seconds`: how long an event waits for our own re-hire's result before it counts as drift.
     */
    drift: z
      .object({
        horizon_days: z.number().positive().default(90),
        reapply: z.boolean().default(false),
        grace_seconds: z.number().nonnegative().default(120),
      })
      .strict()
      .default({ horizon_days: 90, reapply: false, grace_seconds: 120 }),
    /** Who may ask for what (principals.ts): named principals, the INGEST_TOKEN principal, direct publishers. */
    ...principalPolicyFields,
    /** Okta Event Hooks (okta.ts): absent, the ingestion service has no Okta endpoint. */
    okta: oktaPolicySchema.optional(),
  })
  .strict()
  .superRefine(checkPrincipals);

/** A validated policy (plans, safety rails, principals, transfer rules), as `parsePolicy` returns it. */
export type Policy = z.output<typeof policySchema>;
/** A policy as written (YAML or JSON), before defaults. */
export type PolicyInput = z.input<typeof policySchema>;

/**
 * The default plan of each event type. transfer_data runs only when a destination is given; deprovision only
 * when irreversible actions are allowed. Offboarding follows Zendesk's seat rules: move the requested tickets,
 * downgrade (which reassigns the open assigned tickets first, and frees the seat), suspend (a suspended agent
 * would still hold a seat), then delete.
 */
const DEFAULT_PLANS: Record<EventType, ActionName[]> = {
  'lifecycle.offboarding.v1': ['transfer_data', 'downgrade', 'suspend', 'deprovision'],
  'lifecycle.access_revoked.v1': ['suspend'],
  'lifecycle.license_reclaim.v1': ['downgrade'],
  'lifecycle.inactivity.v1': ['transfer_data', 'downgrade'],
  'lifecycle.rehire.v1': ['unsuspend', 'restore'],
};

/** The built-in safe policy: default plans, no irreversible actions, a brake at weight 250 per hour. */
export function defaultPolicy(overrides: PolicyInput = {}): Policy {
  return parsePolicy(overrides);
}

/** Validates a policy object; throws ConfigError with one line per wrong field. */
export function parsePolicy(input: unknown): Policy {
  return parseConfig(policySchema, input);
}

/** Parses the JSON text of a POLICY_FILE. */
export function parsePolicyText(text: string): Policy {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return parseConfig(z.never({ message: `the policy is not JSON: ${String(error)}` }), undefined);
  }
  return parsePolicy(json);
}

/** Where the policy sends a leaver's open assigned tickets when the transfer destination cannot take them. */
export function reassignTargetOf(policy: Policy): AssigneeTarget | null {
  return policy.reassign_assigned_tickets_to;
}

export function planOf(policy: Policy, type: EventType): ActionName[] {
  return policy.plans[type] ?? DEFAULT_PLANS[type];
}
