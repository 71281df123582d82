// Every terminal outcome the consumers wrote (results and dead letters), read back as downstream readers do
// (read_committed), counted per source event so that duplicates and losses show up by event id. A deprovision
// that soft-deleted with a grace period has a second result later, for its purge step (the scheduler fired it):
// its id is the event's result id suffixed `:purge` (`:purge:cancelled` when a re-hire called it off), so it is
// kept apart, and "one result per event" and "one purge per deprovisioned event" are both counted exactly.
import { Kafka, logLevel } from 'kafkajs';
import { resultEventSchema, type ResultEvent } from '@zendesk-lifecycle/core';

export interface Ledger {
  /** The event's own results, by source event id. */
  results: Map<string, ResultEvent[]>;
  /** Results of the scheduled purge that followed the event's soft delete (result id `...:purge`). */
  purges: Map<string, ResultEvent[]>;
  /** Results of a scheduled purge called off by a re-hire (result id `...:purge:cancelled`). */
  purgeCancellations: Map<string, ResultEvent[]>;
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

/** Which list of the ledger a result belongs to, by its id (apps/consumer/src/scheduling/schedule-steps.ts). */
export function ledgerListOf(resultId: string): 'results' | 'purges' | 'purgeCancellations' {
  if (resultId.endsWith(':purge')) return 'purges';
  if (resultId.endsWith(':purge:cancelled')) return 'purgeCancellations';
  return 'results';
}

export const emptyLedger = (): Ledger => ({
  results: new Map(),
  purges: new Map(),
  purgeCancellations: new Map(),
  deadLetters: new Map(),
});

/** A reader of both topics that keeps filling `ledger` until closed. */
export interface LiveLedger {
  ledger: Ledger;
  /** Waits a moment more (so that a late duplicate would be seen too), then stops reading. */
  close(): Promise<Ledger>;
}

/** Starts reading both topics from their beginning into a ledger that fills as records arrive. */
export async function openLedger(options: {
  brokers: string[];
  topics: { results: string; dlq: string };
}): Promise<LiveLedger> {
  const kafka = new Kafka({ clientId: 'chaos-ledger', brokers: options.brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId: `chaos-ledger-${Date.now()}-${Math.random()}`,
    maxWaitTimeInMs: 250,
  });
  const ledger = emptyLedger();
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
      const list = ledger[ledgerListOf(parsed.data.id)];
      list.set(id, [...(list.get(id) ?? []), parsed.data]);
    },
  });
  return {
    ledger,
    async close() {
      await new Promise((r) => setTimeout(r, 1500));
      await consumer.disconnect();
      return ledger;
    },
  };
}

/** Reads both topics until `complete(ledger)` holds or the deadline passes. */
export async function readLedger(options: {
  brokers: string[];
  topics: { results: string; dlq: string };
  complete: (ledger: Ledger) => boolean;
  timeoutMs: number;
}): Promise<Ledger> {
  const live = await openLedger(options);
  const deadline = Date.now() + options.timeoutMs;
  while (!options.complete(live.ledger) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 250));
  return live.close();
}
