// The zod schemas of lifecycle events: the single source of truth for types, parsing and the JSON Schemas.
import { z } from 'zod';
import { ACTIONS } from '../model/actions.js';
import { userRefSchema } from '../model/users.js';
import { AUTH_TYPES } from '../policy/principals.js';
import { EVENT_TYPES, type EventType } from './event-types.js';

const lifecycleDataSchema = z
  .object({
    user: userRefSchema,
    transfer_to: userRefSchema.optional(),
    actions: z
      .array(z.enum(ACTIONS))
      .min(1)
      .max(ACTIONS.length)
      .refine((list) => new Set(list).size === list.length, { message: 'must not repeat an action' })
      .optional(),
    reason: z.string().max(2000).optional(),
    requested_by: z.string().min(1).max(320).optional(),
    /**
     * When the steps take effect (ISO 8601 with an offset, e.g. the last working day in the person's zone): an
     * event whose effective time is still ahead waits in the scheduled-steps topic until then.
     */
    effective_at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

const inactivityDataSchema = lifecycleDataSchema.extend({
  last_login_at: z.iso.datetime({ offset: true }).nullable().optional(),
  inactive_days: z.number().int().nonnegative().optional(),
});

/** The CloudEvents 1.0 attributes we use (extension attributes are kept but not interpreted). */
export const envelopeSchema = z
  .object({
    specversion: z.literal('1.0'),
    id: z.string().min(1).max(256),
    source: z.string().min(1).max(1024),
    type: z.string().min(1).max(256),
    time: z.iso.datetime({ offset: true }).optional(),
    subject: z.string().min(1).max(512).optional(),
    datacontenttype: z
      .string()
      .regex(/^application\/json\b/i, { message: 'must be application/json' })
      .optional(),
    dataschema: z.string().max(1024).optional(),
    /**
     * CloudEvents authcontext extension: who the ingestion endpoint authenticated (`authid` is the principal's
     * name in the policy). Set by the service only: HTTP ingestion overwrites whatever a client sent, and the
     * consumer checks it against the policy. Events without it come from direct Kafka publishers.
     */
    authtype: z.enum(AUTH_TYPES).optional(),
    authid: z.string().min(1).max(256).optional(),
  })
  .loose();

function eventSchema<T extends EventType, D extends z.ZodType>(type: T, data: D) {
  return envelopeSchema.extend({ type: z.literal(type), data });
}

export const EVENT_SCHEMAS = {
  'lifecycle.offboarding.v1': eventSchema('lifecycle.offboarding.v1', lifecycleDataSchema),
  'lifecycle.access_revoked.v1': eventSchema('lifecycle.access_revoked.v1', lifecycleDataSchema),
  'lifecycle.license_reclaim.v1': eventSchema('lifecycle.license_reclaim.v1', lifecycleDataSchema),
  'lifecycle.inactivity.v1': eventSchema('lifecycle.inactivity.v1', inactivityDataSchema),
  'lifecycle.rehire.v1': eventSchema('lifecycle.rehire.v1', lifecycleDataSchema),
} as const satisfies Record<EventType, z.ZodType>;

/** The `data` of a lifecycle event: the user, the transfer destination, actions, reason, requester. */
export type LifecycleData = z.infer<typeof lifecycleDataSchema>;
/** A validated lifecycle event (CloudEvents 1.0 with its typed data). */
export type LifecycleEvent = {
  [T in EventType]: z.infer<(typeof EVENT_SCHEMAS)[T]>;
}[EventType];

export { EVENT_TYPES };
