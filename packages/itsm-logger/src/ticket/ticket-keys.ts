// The two keys that make an audit ticket exactly-once: the external id we look the ticket up by (from the step's
// audit key: event source, id and step, so an event reusing an id finds the first one's ticket), and the
// Idempotency-Key Zendesk deduplicates creations with (from the step key, which covers the whole event). Distinct
// prefixes keep the audit key from colliding with any other creation keyed on the same step.
import { createHash } from 'node:crypto';
import type { AuditedStep } from './audited-step.js';

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

/**
 * The key a step outcome's ticket is filed under: the step's audit key, except for a refused `event_id_conflict`,
 * whose slot belongs to the other event: that refusal is filed under its own step key.
 */
export function auditTicketKey(outcome: AuditedStep): string {
  return outcome.refusal?.rule === 'event_id_conflict'
    ? outcome.step.idempotency_key
    : outcome.step.audit_key;
}

/** The tag recording the event digest of a ticket's step; recall reads it back. */
export const EVENT_DIGEST_TAG_PREFIX = 'event_digest_';
