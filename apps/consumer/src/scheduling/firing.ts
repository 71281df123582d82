// A fired entry as the pipeline receives it: a record of the retry topic carrying the original event, with headers
// that say which entry fired and why. They are trusted only on the retry topic, which only this service writes
// (as with the retry-* headers, delivery/headers.ts): a publisher on the events topic cannot fire anything.
import type { IHeaders } from 'kafkajs';
import type { EntryKind } from './entries.js';
import type { Firing } from './schedule-index.js';

export const SCHEDULED = {
  phase: 'scheduled-phase',
  entry: 'scheduled-entry',
  kind: 'scheduled-kind',
  userId: 'scheduled-zendesk-user-id',
  dueAt: 'scheduled-due-at',
  reason: 'scheduled-cancel-reason',
} as const;

/** What the pipeline needs to know about a fired entry. */
export interface ScheduledFiring {
  phase: 'due' | 'cancel';
  entryId: string;
  kind: EntryKind;
  /** The Zendesk id the entry names (the soft-deleted user of a purge), when known. */
  zendeskUserId: number | null;
  dueAt: string;
  /** For `cancel`: why (the re-hire that called it off). */
  reason?: string;
}

export function firingHeaders(firing: Firing): IHeaders {
  return {
    [SCHEDULED.phase]: firing.phase,
    [SCHEDULED.entry]: firing.id,
    [SCHEDULED.kind]: firing.entry.kind,
    [SCHEDULED.dueAt]: firing.entry.due_at,
    ...(firing.entry.user.zendesk_id === null
      ? {}
      : { [SCHEDULED.userId]: String(firing.entry.user.zendesk_id) }),
    ...(firing.marker
      ? {
          [SCHEDULED.reason]:
            `cancelled by event ${firing.marker.by_event_id} at ${firing.marker.at}: ${firing.marker.reason}`.slice(
              0,
              2000,
            ),
        }
      : {}),
  };
}

/** The firing a record of the retry topic carries, or undefined (an ordinary retry, or a header not ours). */
export function firingOf(headers: Record<string, string>): ScheduledFiring | undefined {
  const phase = headers[SCHEDULED.phase];
  const kind = headers[SCHEDULED.kind];
  const entryId = headers[SCHEDULED.entry];
  if ((phase !== 'due' && phase !== 'cancel') || (kind !== 'effective' && kind !== 'purge') || !entryId)
    return undefined;
  const id = Number(headers[SCHEDULED.userId]);
  return {
    phase,
    kind,
    entryId,
    zendeskUserId: Number.isSafeInteger(id) && id > 0 ? id : null,
    dueAt: headers[SCHEDULED.dueAt] ?? '',
    ...(headers[SCHEDULED.reason] ? { reason: headers[SCHEDULED.reason] } : {}),
  };
}
