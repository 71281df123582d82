// Who a step is: keys and digests that tie an audit record to exactly one event and step. The step key is SHA-256
// over the event's source, id, type, subject user, a digest of its data and the step, so an event that reuses
// another's id never shares its keys; the audit key (source, id and step only) is where the audit trail looks
// the step up, and the event digest recorded there tells the same event from an impostor reusing its id.
import { userKey } from '../events/user-key.js';
import type { LifecycleEvent } from '../events/schemas.js';
import { sha256Hex } from '../hash/sha256.js';
import type { ActionName } from '../model/index.js';

/** JSON with object keys sorted at every depth: the same data always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

type EventIdentity = Pick<LifecycleEvent, 'source' | 'id' | 'type' | 'data'>;

/** SHA-256 (hex) over source, id, type, the subject user and a digest of the data. */
export function eventDigest(event: EventIdentity): string {
  const dataDigest = sha256Hex(canonicalJson(event.data));
  return sha256Hex([event.source, event.id, event.type, userKey(event.data.user), dataDigest].join('\n'));
}

const namespace = (dryRun: boolean) => (dryRun ? 'zl-dry-' : 'zl-');

/**
 * The idempotency key of a step: `zl-<sha256 of the event digest and the step>`; a dry run's keys are `zl-dry-…`,
 * their own namespace, so nothing a dry run audits is ever recalled by a live run.
 */
export function stepKey(event: EventIdentity, index: number, action: ActionName, dryRun = false): string {
  return `${namespace(dryRun)}${sha256Hex(`${eventDigest(event)}\n${index}\n${action}`)}`;
}

/**
 * Where the audit trail files a step: `zl-<sha256 of source and id>-<index>-<action>` (`zl-dry-…` for dry runs).
 * Two events with the same source and id share it, so the second finds the first's record and its digest.
 */
export function auditKey(
  event: Pick<LifecycleEvent, 'source' | 'id'>,
  index: number,
  action: ActionName,
  dryRun = false,
): string {
  return `${namespace(dryRun)}${sha256Hex(`${event.source}\n${event.id}`)}-${index}-${action}`;
}
