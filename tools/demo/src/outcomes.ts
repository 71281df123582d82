// Reads what the consumer wrote (results and dead letters) and renders the summary table.
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { resultEventSchema, type ResultEvent } from '@zendesk-lifecycle/core';
import { renderTable as renderRuntimeTable } from '@zendesk-lifecycle/service-runtime';

export interface DeadLetter {
  reason: string;
  error: string;
  value: string;
}

export interface Outcomes {
  results: Map<string, ResultEvent>;
  deadLetters: DeadLetter[];
}

const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString() ?? '';

/** Collects result events for `eventIds` and `deadLetterCount` dead letters, until all arrived or the deadline. */
export async function collectOutcomes(options: {
  brokers: string[];
  topics: { results: string; dlq: string };
  eventIds: string[];
  deadLetterCount: number;
  timeoutMs: number;
  onProgress?: (outcomes: Outcomes) => void;
  /** Stops waiting early (Ctrl-C during the demo's start). */
  signal?: AbortSignal;
}): Promise<Outcomes> {
  const kafka = new Kafka({ clientId: 'demo-reader', brokers: options.brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `demo-reader-${Date.now()}`, maxWaitTimeInMs: 250 });
  const outcomes: Outcomes = { results: new Map(), deadLetters: [] };
  const done = () =>
    options.eventIds.every((id) => outcomes.results.has(id)) &&
    outcomes.deadLetters.length >= options.deadLetterCount;
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
        const parsed = resultEventSchema.safeParse(JSON.parse(message.value?.toString() ?? 'null'));
        if (parsed.success && options.eventIds.includes(parsed.data.data.source_event.id)) {
          outcomes.results.set(parsed.data.data.source_event.id, parsed.data);
        }
      }
      options.onProgress?.(outcomes);
    },
  });
  const deadline = Date.now() + options.timeoutMs;
  while (!done() && Date.now() < deadline && !options.signal?.aborted)
    await new Promise((r) => setTimeout(r, 200));
  await consumer.disconnect();
  return outcomes;
}

export interface SummaryRow {
  event: string;
  type: string;
  steps: string;
  status: string;
  tickets: string;
}

export function summaryRows(
  titles: Array<{ title: string; id: string; type: string }>,
  outcomes: Outcomes,
): SummaryRow[] {
  return titles.map(({ title, id, type }) => {
    const result = outcomes.results.get(id);
    if (!result) return { event: title, type, steps: '(no result yet)', status: 'pending', tickets: '' };
    return {
      event: title,
      type,
      steps: result.data.steps.map((s) => `${s.action}: ${s.outcome}`).join(', ') || '(no steps)',
      status: result.data.status,
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
