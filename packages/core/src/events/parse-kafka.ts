// Lifecycle events from Kafka records, in both CloudEvents Kafka bindings:
// structured (the value is the whole event, content-type application/cloudevents+json) and
// binary (attributes in `ce_*` headers, the value is `data`).
import { failure, type ParseResult } from './parse-errors.js';
import { parseEventObject } from './parse-event.js';
import type { LifecycleEvent } from './schemas.js';

type HeaderValue = Uint8Array | string | undefined | Array<Uint8Array | string>;

/** A Kafka record as `parseKafkaRecord` takes it (value, key, headers). */
export interface KafkaRecordInput {
  value: Uint8Array | string | null;
  headers?: Record<string, HeaderValue>;
}

const DEFAULT_MAX_EVENT_BYTES = 256 * 1024;
const decoder = new TextDecoder('utf-8', { fatal: true });

function text(value: Uint8Array | string): string {
  return typeof value === 'string' ? value : decoder.decode(value);
}

function headerText(headers: Record<string, HeaderValue> | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : text(first);
}

function parseJson(raw: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** Parses one Kafka record. Never throws: bad input becomes a ParseResult error with the reason. */
export function parseKafkaRecord(
  record: KafkaRecordInput,
  options: { maxBytes?: number } = {},
): ParseResult<LifecycleEvent> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_EVENT_BYTES;
  if (record.value === null || record.value.length === 0) return failure('empty', 'the record has no value');
  const size =
    typeof record.value === 'string' ? new TextEncoder().encode(record.value).length : record.value.length;
  if (size > maxBytes) return failure('too_large', `the record is ${size} bytes; the limit is ${maxBytes}`);
  let body: string;
  try {
    body = text(record.value);
  } catch {
    return failure('not_json', 'the record value is not UTF-8 text');
  }
  const json = parseJson(body);
  if (!json.ok) return failure('not_json', `the record value is not JSON: ${json.message}`);
  const specversion = headerText(record.headers, 'ce_specversion');
  if (specversion === undefined) return parseEventObject(json.value);
  return parseEventObject(binaryEvent(record.headers ?? {}, json.value));
}

/** Rebuilds a structured event from `ce_*` headers (binary mode) and the data in the value. */
function binaryEvent(headers: Record<string, HeaderValue>, data: unknown): Record<string, unknown> {
  const event: Record<string, unknown> = { data };
  for (const name of Object.keys(headers)) {
    if (!name.startsWith('ce_')) continue;
    event[name.slice(3)] = headerText(headers, name);
  }
  const contentType = headerText(headers, 'content-type');
  if (contentType !== undefined) event.datacontenttype = contentType;
  return event;
}
