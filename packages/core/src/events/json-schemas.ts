// JSON Schema of every event type, generated from the zod schemas, for publishers in other languages.
import { z } from 'zod';
import { resultEventSchema } from '../results/result-event.js';
import {
  CONFIRMATION_EVENT_TYPE,
  DRIFT_EVENT_TYPE,
  confirmationEventSchema,
  driftEventSchema,
} from '../confirm/records.js';
import { EVENT_TYPES, RESULT_EVENT_TYPE } from './event-types.js';
import { EVENT_SCHEMAS } from './schemas.js';

/** File name (under packages/core/schemas) -> JSON Schema document. */
export function eventJsonSchemas(): Record<string, object> {
  const out: Record<string, object> = {};
  const all: Array<[string, z.ZodType]> = [
    ...EVENT_TYPES.map((type) => [type, EVENT_SCHEMAS[type]] as [string, z.ZodType]),
    [RESULT_EVENT_TYPE, resultEventSchema],
    [CONFIRMATION_EVENT_TYPE, confirmationEventSchema],
    [DRIFT_EVENT_TYPE, driftEventSchema],
  ];
  for (const [type, schema] of all) {
    out[`${type}.schema.json`] = {
      ...z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
      $id: `https://zendesk-lifecycle.dev/schemas/${type}.schema.json`,
      title: type,
    };
  }
  return out;
}
