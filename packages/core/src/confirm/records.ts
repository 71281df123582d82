// The closed loop's records on the results topic, next to lifecycle.result.v1: a step confirmed (or raised) against
// what Zendesk itself reports, and access given back outside the lifecycle (drift). CloudEvents like the result.
import { z } from 'zod';
import { ACTIONS } from '../model/actions.js';

/** The CloudEvents type of a confirmation record on the results topic. */
export const CONFIRMATION_EVENT_TYPE = 'lifecycle.confirmation.v1';
/** The CloudEvents type of a drift record (access given back outside the lifecycle) on the results topic. */
export const DRIFT_EVENT_TYPE = 'lifecycle.drift.v1';

const sourceEventSchema = z.object({ id: z.string(), source: z.string(), type: z.string() });
const zendeskEventRefSchema = z.object({ id: z.string(), time: z.string() });

const confirmationDataSchema = z.object({
  source_event: sourceEventSchema,
  /** The id of the lifecycle.result.v1 that reported the step succeeded. */
  result_id: z.string(),
  zendesk_user_id: z.number().int(),
  step: z.object({
    index: z.number().int(),
    action: z.enum(ACTIONS),
    audit_ticket_id: z.number().int().nullable(),
  }),
  /**
   * confirmed: Zendesk reports the state the step left (by its event, or read back after the window); raised:
   * Zendesk's state read back after the window disagrees with the step's success (audit comment, alert).
   */
  status: z.enum(['confirmed', 'raised']),
  /** event: Zendesk's user event said so; read_back: nothing came within the window, the API was read. */
  by: z.enum(['event', 'read_back']),
  /** The Zendesk event that confirmed the step (by: event). */
  zendesk_event: zendeskEventRefSchema.nullable(),
  /** What the step expects, and what Zendesk reports, in one sentence each. */
  expected: z.string(),
  observed: z.string(),
  /** When the step's result was written, and when it was confirmed or raised; the delay between them. */
  succeeded_at: z.string(),
  decided_at: z.string(),
  delay_ms: z.number(),
});

/** A step confirmed (by Zendesk's own user event, or by reading the user back) or raised, as written to the results topic. */
export const confirmationEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string(),
  source: z.string(),
  type: z.literal(CONFIRMATION_EVENT_TYPE),
  time: z.string(),
  /** The user, as `id:<zendesk user id>`. */
  subject: z.string(),
  datacontenttype: z.literal('application/json'),
  data: confirmationDataSchema,
});
/** A confirmation record (see confirmationEventSchema). */
export type ConfirmationEvent = z.infer<typeof confirmationEventSchema>;

const driftDataSchema = z.object({
  zendesk_user_id: z.number().int(),
  /** The Zendesk event that gave access back, and the change it reports in one sentence. */
  zendesk_event: zendeskEventRefSchema.extend({ type: z.string() }),
  change: z.string(),
  /** Who made the change when Zendesk says (its events usually do not: see Zendesk's audit log); null otherwise. */
  actor: z.string().nullable(),
  /** The lifecycle event whose result removed the access, what it did and when. */
  removed_by: z.object({
    source_event: sourceEventSchema,
    actions: z.array(z.enum(ACTIONS)),
    at: z.string(),
  }),
  audit_ticket_id: z.number().int().nullable(),
  /** The lifecycle event published to apply the removal again (policy drift.reapply), or null. */
  reapplied_event_id: z.string().nullable(),
  detected_at: z.string(),
});

/** Access given back to someone the lifecycle removed, not by its own re-hire, as written to the results topic. */
export const driftEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string(),
  source: z.string(),
  type: z.literal(DRIFT_EVENT_TYPE),
  time: z.string(),
  subject: z.string(),
  datacontenttype: z.literal('application/json'),
  data: driftDataSchema,
});
/** A drift record (see driftEventSchema). */
export type DriftEvent = z.infer<typeof driftEventSchema>;

/** A confirmation record: its id is derived from the step, so a repeated decision writes the same record. */
export function buildConfirmationEvent(
  data: ConfirmationEvent['data'],
  options: { source: string; stepKey: string },
): ConfirmationEvent {
  return {
    specversion: '1.0',
    id: `confirmation:${options.stepKey}`,
    source: options.source,
    type: CONFIRMATION_EVENT_TYPE,
    time: data.decided_at,
    subject: `id:${data.zendesk_user_id}`,
    datacontenttype: 'application/json',
    data,
  };
}

/** A drift record: its id is derived from Zendesk's event id. */
export function buildDriftEvent(data: DriftEvent['data'], options: { source: string }): DriftEvent {
  return {
    specversion: '1.0',
    id: `drift:${data.zendesk_event.id}`,
    source: options.source,
    type: DRIFT_EVENT_TYPE,
    time: data.detected_at,
    subject: `id:${data.zendesk_user_id}`,
    datacontenttype: 'application/json',
    data,
  };
}
