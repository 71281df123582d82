// The state before a step, written into its audit ticket twice: for people in the "Zendesk state" table, and for
// the service as one JSON line after a marker (undo reads it back from the ticket's description). The record
// block is the document's last block, and the reader takes the last marker, so untrusted text shown earlier
// (names, reasons) cannot pass for it; its values are JSON-encoded.
import {
  userIdentityOf,
  userIdentitySchema,
  userStateOf,
  userStateSchema,
  type ActionName,
  type UserIdentity,
  type UserState,
} from '@zendesk-lifecycle/core';
import { z } from 'zod';
import type { Block } from './document.js';
import type { AuditedStep } from './audited-step.js';

/** The marker the JSON record follows, in the plain and the HTML comment alike. */
export const PRIOR_STATE_MARKER = 'zendesk-lifecycle-prior-state';

/** What one audit ticket records of the state before its step. */
export interface PriorStateRecord {
  v: 1;
  user_id: number;
  event_id: string;
  step_index: number;
  action: ActionName;
  state: UserState;
  /** Name, email and external id: a re-hire creates a new profile from them (absent in older records). */
  identity?: UserIdentity;
}

const recordSchema = z.object({
  v: z.literal(1),
  user_id: z.number().int(),
  event_id: z.string(),
  step_index: z.number().int(),
  action: z.string(),
  state: userStateSchema,
  identity: userIdentitySchema.optional(),
});

/** The record of the state before the step; null when there was no user before it. */
export function priorStateRecord(outcome: AuditedStep): PriorStateRecord | null {
  const before = outcome.before;
  if (before === null) return null;
  return {
    v: 1,
    user_id: before.id,
    event_id: outcome.event.id,
    step_index: outcome.step.index,
    action: outcome.step.action,
    state: userStateOf(before),
    identity: userIdentityOf(before),
  };
}

/** The block carrying the record (the document's last); null without a state before the step. */
export function priorStateBlock(outcome: AuditedStep): Block | null {
  const record = priorStateRecord(outcome);
  if (record === null) return null;
  return {
    kind: 'record',
    title: 'State before this step (machine-readable, for undo)',
    marker: PRIOR_STATE_MARKER,
    // The identity carries untrusted text (the name): the marker never appears inside the record as written, so
    // the last marker stays the record's own (an escaped hyphen reads back as the same string).
    json: JSON.stringify(record).replaceAll(PRIOR_STATE_MARKER, PRIOR_STATE_MARKER.replace('-', '\\u002d')),
  };
}

/** The first complete JSON object starting at `start` (strings with braces or quotes inside included). */
function objectAt(text: string, start: number): string | null {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  return null;
}

/** The record a ticket's description holds after its last marker, or null when none can be read. */
export function readPriorStateRecord(description: string): PriorStateRecord | null {
  const at = description.lastIndexOf(PRIOR_STATE_MARKER);
  if (at < 0) return null;
  const start = description.indexOf('{', at);
  const json = start < 0 ? null : objectAt(description, start);
  if (json === null) return null;
  try {
    const parsed = recordSchema.safeParse(JSON.parse(json));
    return parsed.success ? (parsed.data as PriorStateRecord) : null;
  } catch {
    return null;
  }
}
