// Lifecycle events from HTTP requests (CloudEvents HTTP binding): structured, binary (`ce-*` headers), batch.
import { failure, type EventParseError, type ParseResult } from './parse-errors.js';
import { parseEventObject } from './parse-event.js';
import type { LifecycleEvent } from './schemas.js';

/** An HTTP request as `parseHttpEvents` takes it (headers and body, structured, binary or batch mode). */
export interface HttpRequestInput {
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const header = (headers: HttpRequestInput['headers'], name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The events of one request: one result per event, in order. A body-level problem is a single error. */
export function parseHttpEvents(
  request: HttpRequestInput,
):
  | { ok: true; results: ParseResult<LifecycleEvent>[]; mode: 'structured' | 'binary' | 'batch' }
  | { ok: false; error: EventParseError } {
  const contentType = (header(request.headers, 'content-type') ?? '').toLowerCase();
  let json: unknown;
  try {
    json = JSON.parse(request.body);
  } catch (error) {
    return failure(
      'not_json',
      `the body is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (contentType.startsWith('application/cloudevents-batch+json')) {
    if (!Array.isArray(json))
      return failure('invalid_envelope', 'a batch must be a JSON array of CloudEvents');
    return { ok: true, mode: 'batch', results: json.map((item) => parseEventObject(item)) };
  }
  if (header(request.headers, 'ce-specversion') !== undefined) {
    const event: Record<string, unknown> = { data: json, datacontenttype: contentType || undefined };
    for (const [name, value] of Object.entries(request.headers)) {
      if (name.startsWith('ce-') && value !== undefined)
        event[name.slice(3)] = Array.isArray(value) ? value[0] : value;
    }
    return { ok: true, mode: 'binary', results: [parseEventObject(event)] };
  }
  return { ok: true, mode: 'structured', results: [parseEventObject(json)] };
}
