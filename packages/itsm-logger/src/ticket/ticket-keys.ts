// The two keys that make an audit ticket exactly-once, both derived from the step's idempotency key (itself
// derived from the event id and the step): the external id we look the ticket up by, and the Idempotency-Key
// Zendesk deduplicates creations with. Distinct prefixes keep the audit key from colliding with any other
// creation keyed on the same step.
import { createHash } from 'node:crypto';

/** Zendesk accepts external ids and idempotency keys of up to 255 characters. */
const MAX_KEY_LENGTH = 255;

export const EXTERNAL_ID_PREFIX = 'zendesk-lifecycle:';
export const IDEMPOTENCY_KEY_PREFIX = 'zendesk-lifecycle:audit:';

function bounded(prefix: string, stepKey: string): string {
  const key = `${prefix}${stepKey}`;
  if (key.length <= MAX_KEY_LENGTH) return key;
  // A long step key is replaced by its digest: still unique per step, still the same on every replay.
  return `${prefix}sha256:${createHash('sha256').update(stepKey).digest('hex')}`;
}

/** The audit ticket's external id for a step, e.g. "zendesk-lifecycle:<step key>". */
export function auditExternalId(stepKey: string): string {
  return bounded(EXTERNAL_ID_PREFIX, stepKey);
}

/** The Idempotency-Key header sent when creating the audit ticket for a step. */
export function auditIdempotencyKey(stepKey: string): string {
  return bounded(IDEMPOTENCY_KEY_PREFIX, stepKey);
}
