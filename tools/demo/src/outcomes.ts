// Reads what the consumer wrote (results, Zendesk's confirmations of their steps, dead letters) and renders the
// summary table.
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import {
  CONFIRMATION_EVENT_TYPE,
  confirmationEventSchema,
  expectationOf,
  RESULT_EVENT_TYPE,
  resultEventSchema,
  type ConfirmationEvent,
  type ResultEvent,
} from '@zendesk-lifecycle/core';
import { renderTable as renderRuntimeTable } from '@zendesk-lifecycle/service-runtime';

export interface DeadLetter {
  reason: string;
  error: string;
  value: string;
}

export interface Outcomes {
  results: Map<string, ResultEvent>;
  deadLetters: DeadLetter[];
  /** The confirmation records (lifecycle.confirmation.v1) of the events' steps, by stepRef(). */
  confirmations: Map<string, ConfirmationEvent>;
}

/** A step of an event, as the summary counts confirmations: `<event id>#<step index>`. */
export const stepRef = (eventId: string, index: number) => `${eventId}#${index}`;

/**
 * The steps Zendesk should confirm by its own user event: those that succeeded and changed the user (core's
 * expectationOf; a data transfer changes tickets, an already-done step changes nothing), of a real run on a known
 * user, as the consumer's confirm loop reads them.
 */
export function stepsToConfirm(outcomes: Pick<Outcomes, 'results'>, eventId?: string): string[] {
  const refs: string[] = [];
  for (const [id, result] of outcomes.results) {
    if (eventId !== undefined && id !== eventId) continue;
    if (result.data.dry_run || result.data.zendesk_user_id === null) continue;
    for (const step of result.data.steps)
      if (expectationOf(step.action, step.outcome) !== null) refs.push(stepRef(id, step.index));
  }
  return refs;
}

/** Whether every step to confirm has its confirmation record. */
export const allConfirmed = (outcomes: Outcomes) =>
  stepsToConfirm(outcomes).every((ref) => outcomes.confirmations.has(ref));

/** A reader of the results and dead-letter topics, from the beginning, until stopped. */
export interface OutcomeReader {
  readonly outcomes: Outcomes;
  /** Waits until `done(outcomes)`, the timeout or the signal; says whether `done` was reached. */
  until(done: (outcomes: Outcomes) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  stop(): Promise<void>;
}

export async function readOutcomes(options: {
  brokers: string[];
  topics: { results: string; dlq: string };
  eventIds: string[];
  onProgress?: (outcomes: Outcomes) => void;
}): Promise<OutcomeReader> {
  const kafka = new Kafka({ clientId: 'demo-reader', brokers: options.brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `demo-reader-${Date.now()}`, maxWaitTimeInMs: 250 });
  const outcomes: Outcomes = { results: new Map(), deadLetters: [], confirmations: new Map() };
  await consumer.connect();
  await consumer.subscribe({ topics: [options.topics.results, options.topics.dlq], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      if (topic === options.topics.dlq) {
        outcomes.deadLetters.push({
          reason: header(message, 'dlq-reason'),
          error: header(message, 'dlq-error'),
          value: message.value?.toString() ?? '',
        });
      } else {
        let json: { type?: unknown } | null = null;
        try {
          json = JSON.parse(message.value?.toString() ?? 'null') as { type?: unknown } | null;
        } catch {
          // not ours to read
        }
        if (json?.type === RESULT_EVENT_TYPE) {
          const parsed = resultEventSchema.safeParse(json);
          if (parsed.success && options.eventIds.includes(parsed.data.data.source_event.id))
            outcomes.results.set(parsed.data.data.source_event.id, parsed.data);
        } else if (json?.type === CONFIRMATION_EVENT_TYPE) {
          const parsed = confirmationEventSchema.safeParse(json);
          const { data } = parsed.data ?? {};
          if (data && options.eventIds.includes(data.source_event.id))
            outcomes.confirmations.set(stepRef(data.source_event.id, data.step.index), parsed.data!);
        }
      }
      options.onProgress?.(outcomes);
    },
  });
  return {
    outcomes,
    async until(done, timeoutMs, signal) {
      const deadline = Date.now() + timeoutMs;
      while (!done(outcomes) && Date.now() < deadline && !signal?.aborted)
        await new Promise((r) => setTimeout(r, 200));
      return done(outcomes);
    },
    stop: () => consumer.disconnect(),
  };
}

const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString() ?? '';

/** Whether the results of `eventIds` and `deadLetterCount` dead letters arrived. */
export const resultsArrived = (
  outcomes: Outcomes,
  expected: { eventIds: string[]; deadLetterCount: number },
) =>
  expected.eventIds.every((id) => outcomes.results.has(id)) &&
  outcomes.deadLetters.length >= expected.deadLetterCount;

export interface SummaryRow {
  event: string;
  type: string;
  steps: string;
  status: string;
  /** How many of the event's steps that changed the user Zendesk confirmed, and how (e.g. "3/3 confirmed by event"). */
  confirmed: string;
  tickets: string;
}

/** "2/2 confirmed by event", "1/2 confirmed (1 by event), 1 raised", "-" when no step changed the user. */
export function confirmedCell(outcomes: Outcomes, eventId: string): string {
  const refs = stepsToConfirm(outcomes, eventId);
  if (refs.length === 0) return '-';
  const records = refs.flatMap((ref) => outcomes.confirmations.get(ref) ?? []);
  const confirmed = records.filter((c) => c.data.status === 'confirmed');
  const raised = records.length - confirmed.length;
  const byEvent = confirmed.filter((c) => c.data.by === 'event').length;
  const readBack = confirmed.length - byEvent;
  const how =
    confirmed.length === 0
      ? ''
      : readBack === 0
        ? ' by event'
        : byEvent === 0
          ? ' read back'
          : ` (${byEvent} by event, ${readBack} read back)`;
  return `${confirmed.length}/${refs.length} confirmed${how}${raised > 0 ? `, ${raised} raised` : ''}`;
}

/** One line on the whole run: how many steps Zendesk confirmed, and the median delay from result to confirmation. */
export function confirmationSummary(outcomes: Outcomes): string {
  const refs = stepsToConfirm(outcomes);
  const records = refs.flatMap((ref) => outcomes.confirmations.get(ref) ?? []);
  const confirmed = records.filter((c) => c.data.status === 'confirmed');
  const byEvent = confirmed.filter((c) => c.data.by === 'event').length;
  const raised = records.length - confirmed.length;
  const delays = confirmed.map((c) => c.data.delay_ms).sort((a, b) => a - b);
  const mid = Math.floor(delays.length / 2);
  const median =
    delays.length === 0 ? null : delays.length % 2 ? delays[mid]! : (delays[mid - 1]! + delays[mid]!) / 2;
  return (
    `Zendesk confirmed ${confirmed.length} of ${refs.length} steps that changed a user` +
    (confirmed.length > 0
      ? ` (${byEvent} by its own user event, ${confirmed.length - byEvent} read back)`
      : '') +
    (median === null ? '' : `, median delay ${(median / 1000).toFixed(1)} s after the result`) +
    (raised > 0 ? `; ${raised} raised (Zendesk disagrees)` : '') +
    (records.length < refs.length ? `; ${refs.length - records.length} not decided yet` : '')
  );
}

export function summaryRows(
  titles: Array<{ title: string; id: string; type: string }>,
  outcomes: Outcomes,
): SummaryRow[] {
  return titles.map(({ title, id, type }) => {
    const result = outcomes.results.get(id);
    if (!result)
      return { event: title, type, steps: '(no result yet)', status: 'pending', confirmed: '', tickets: '' };
    return {
      event: title,
      type,
      steps: result.data.steps.map((s) => `${s.action}: ${s.outcome}`).join(', ') || '(no steps)',
      status: result.data.status,
      confirmed: confirmedCell(outcomes, id),
      tickets: result.data.steps
        .map((s) => (s.audit_ticket_id === null ? '-' : `#${s.audit_ticket_id}`))
        .join(' '),
    };
  });
}

/** The demo's summary table, columns split by bars. */
export function renderTable(rows: Array<Record<string, string>>): string {
  return renderRuntimeTable(rows, { separator: ' | ', empty: '' });
}
