// Every terminal outcome the consumers wrote (results and dead letters), read back as downstream readers do
// (read_committed), counted per source event so that duplicates and losses show up by event id.
import { Kafka, logLevel } from 'kafkajs';
import { resultEventSchema, type ResultEvent } from '@zendesk-lifecycle/core';

export interface Ledger {
  results: Map<string, ResultEvent[]>;
  /** Dead letters by the event id found in their value (or their source offset when the value is not an event). */
  deadLetters: Map<string, Array<{ reason: string; error: string }>>;
}

function eventIdOf(value: string, fallback: string): string {
  try {
    const parsed = JSON.parse(value) as { id?: unknown };
    return typeof parsed.id === 'string' ? parsed.id : fallback;
  } catch {
    return fallback;
  }
}

/** Reads both topics until `complete(ledger)` holds or the deadline passes. */
export async function readLedger(options: {
  brokers: string[];
  topics: { results: string; dlq: string };
  complete: (ledger: Ledger) => boolean;
  timeoutMs: number;
}): Promise<Ledger> {
  const kafka = new Kafka({ clientId: 'chaos-ledger', brokers: options.brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId: `chaos-ledger-${Date.now()}-${Math.random()}`,
    maxWaitTimeInMs: 250,
  });
  const ledger: Ledger = { results: new Map(), deadLetters: new Map() };
  await consumer.connect();
  await consumer.subscribe({ topics: [options.topics.results, options.topics.dlq], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const value = message.value?.toString() ?? '';
      if (topic === options.topics.dlq) {
        const id = eventIdOf(
          value,
          `offset:${message.headers?.['dlq-source-partition']}:${message.headers?.['dlq-source-offset']}`,
        );
        const list = ledger.deadLetters.get(id) ?? [];
        list.push({
          reason: message.headers?.['dlq-reason']?.toString() ?? '',
          error: message.headers?.['dlq-error']?.toString() ?? '',
        });
        ledger.deadLetters.set(id, list);
        return;
      }
      const parsed = resultEventSchema.safeParse(JSON.parse(value));
      if (!parsed.success) return;
      const id = parsed.data.data.source_event.id;
      ledger.results.set(id, [...(ledger.results.get(id) ?? []), parsed.data]);
    },
  });
  const deadline = Date.now() + options.timeoutMs;
  while (!options.complete(ledger) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  // A moment more, so that a late duplicate would be seen too.
  await new Promise((r) => setTimeout(r, 1500));
  await consumer.disconnect();
  return ledger;
}
