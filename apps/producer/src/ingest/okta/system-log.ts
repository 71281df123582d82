// What Okta sends to an Event Hook: an envelope (`eventType: "com.okta.event_hook"`, `data.events[]`) carrying
// System Log events (LogEvent: uuid, published, eventType, actor, target[], outcome, ...). Only the fields we use
// are checked; everything else is let through untouched, as Okta adds fields over time.
import { z } from 'zod';

/** An actor or target of a System Log event (LogActor / LogTarget). */
export const logPartySchema = z
  .object({
    id: z.string().max(256).nullish(),
    type: z.string().max(256).nullish(),
    alternateId: z.string().max(1024).nullish(),
    displayName: z.string().max(1024).nullish(),
  })
  .loose();

/** One System Log event, as far as the mapping reads it. */
export const logEventSchema = z
  .object({
    uuid: z.string().min(1).max(128),
    eventType: z.string().min(1).max(256),
    published: z.iso.datetime({ offset: true }),
    actor: logPartySchema.nullish(),
    target: z.array(logPartySchema).nullish(),
    outcome: z.object({ result: z.string().nullish(), reason: z.string().nullish() }).loose().nullish(),
  })
  .loose();

export type LogEvent = z.infer<typeof logEventSchema>;
export type LogParty = z.infer<typeof logPartySchema>;

/** The hook request's body: the events stay unparsed here, so one malformed event does not sink its batch. */
export const hookBodySchema = z
  .object({
    eventType: z.string().optional(),
    eventId: z.string().optional(),
    data: z.object({ events: z.array(z.unknown()).max(1000) }).loose(),
  })
  .loose();
