// From an untrusted JSON object to a typed lifecycle event, or a precise error. Transport-independent:
// the Kafka and HTTP parsers build the object from their binding and call this.
import { isEventType } from './event-types.js';
import { failure, issuesOf, type ParseResult } from './parse-errors.js';
import { envelopeSchema, EVENT_SCHEMAS, type LifecycleEvent } from './schemas.js';
import { subjectsOf } from './user-key.js';

/** Validates a parsed JSON object as a lifecycle event; never throws (`{ ok: false, error }` says why). */
export function parseEventObject(candidate: unknown): ParseResult<LifecycleEvent> {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    return failure('invalid_envelope', 'a CloudEvent must be a JSON object');
  }
  const envelope = envelopeSchema.safeParse(candidate);
  if (!envelope.success) {
    return failure('invalid_envelope', 'the CloudEvents envelope is invalid', issuesOf(envelope.error));
  }
  const type = envelope.data.type;
  if (!isEventType(type)) {
    return failure('unknown_type', `unknown event type "${type}"`, [
      { path: 'type', message: `expected one of ${Object.keys(EVENT_SCHEMAS).join(', ')}` },
    ]);
  }
  const parsed = EVENT_SCHEMAS[type].safeParse(candidate);
  if (!parsed.success) return failure('invalid_data', `the ${type} event is invalid`, issuesOf(parsed.error));
  const event = parsed.data as LifecycleEvent;
  const names = subjectsOf(event.data.user);
  if (
    event.subject !== undefined &&
    !names.includes(event.subject) &&
    !names.includes(event.subject.toLowerCase())
  ) {
    return failure('subject_mismatch', 'the subject does not name the user in data.user', [
      {
        path: 'subject',
        message: `"${event.subject}" is not one of ${subjectsOf(event.data.user).join(', ')}`,
      },
    ]);
  }
  return { ok: true, event };
}
