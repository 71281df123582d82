// From a result on the results topic to the records the loop keeps: one expectation per succeeded step that
// expects a Zendesk event, and what the event removed from the user (or that our re-hire ended a removal).
import {
  auditKey,
  expectationOf,
  removalsOf,
  reversesRemoval,
  RESULT_EVENT_TYPE,
  resultEventSchema,
  type ResultEvent,
  type ZendeskUserEvent,
} from '@zendesk-lifecycle/core';
import { expectationKey, removalKey, type ExpectationRecord, type RemovalRecord } from './state.js';

/** A results-topic value read as a result, or null (confirmations, drift records, anything else). */
export function readResult(value: string | null): ResultEvent | null {
  if (value === null) return null;
  try {
    const json = JSON.parse(value) as { type?: unknown };
    if (json?.type !== RESULT_EVENT_TYPE) return null;
    const parsed = resultEventSchema.safeParse(json);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The state writes a result asks for: [key, record or null (tombstone)]. Dry runs and unknown users ask none. */
export function stateWritesOf(
  result: ResultEvent,
  options: { partition: number; windowMinutes: number },
): Array<[string, ExpectationRecord | RemovalRecord | null]> {
  const { data } = result;
  const userId = data.zendesk_user_id;
  if (data.dry_run || userId === null) return [];
  const writes: Array<[string, ExpectationRecord | RemovalRecord | null]> = [];
  const succeededAt = data.finished_at;
  const dueAt = new Date(Date.parse(succeededAt) + options.windowMinutes * 60_000).toISOString();
  for (const step of data.steps) {
    const expectation = expectationOf(step.action, step.outcome);
    if (expectation === null) continue;
    const key = auditKey(data.source_event, step.index, step.action, false);
    writes.push([
      expectationKey(key),
      {
        kind: 'expectation',
        user_id: userId,
        expectation,
        step: {
          index: step.index,
          action: step.action,
          audit_key: key,
          audit_ticket_id: step.audit_ticket_id,
          started_at: step.started_at,
        },
        source_event: data.source_event,
        result_id: result.id,
        succeeded_at: succeededAt,
        due_at: dueAt,
        owner_partition: options.partition,
      },
    ]);
  }
  if (reversesRemoval(data.steps)) writes.push([removalKey(userId), null]);
  const removed = removalsOf(data.steps);
  if (removed.length > 0)
    writes.push([
      removalKey(userId),
      {
        kind: 'removal',
        user_id: userId,
        removal: { at: succeededAt, actions: removed, source_event: data.source_event },
      },
    ]);
  return writes;
}

/** Who made a change, when Zendesk's event names someone (its user events usually do not); null otherwise. */
export function actorOf(event: ZendeskUserEvent): string | null {
  const candidates: unknown[] = [
    (event as Record<string, unknown>).actor_id,
    (event.event as Record<string, unknown>).actor_id,
    (event.detail as Record<string, unknown>).actor_id,
    (event as Record<string, unknown>).actor,
  ];
  for (const c of candidates) {
    if (typeof c === 'string' && c.length > 0) return `Zendesk user ${c}`;
    if (typeof c === 'number') return `Zendesk user ${c}`;
  }
  return null;
}
