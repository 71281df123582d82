// Sends dead letters back to the events topic once their cause is fixed (a policy change, a user created, a
// Zendesk outage over). The original value, key and headers go back unchanged; our dlq-* headers are dropped.
import { Partitioners, type Kafka, type KafkaMessage } from 'kafkajs';
import type { KafkaSettings } from '@zendesk-lifecycle/service-runtime';
import { DLQ, originalHeaders, readHeaders } from './headers.js';

export interface ReplayFilter {
  /** Only dead letters with this dlq-reason (e.g. attempts_exhausted). */
  reason?: string;
  /** Only dead letters whose original offset in the events topic is one of these `partition:offset` pairs. */
  sources?: string[];
  /** List what would be replayed; publish nothing. */
  dryRun?: boolean;
}

export interface ReplayedRecord {
  reason: string;
  error: string;
  source: string;
  dlqOffset: string;
}

function matches(headers: Record<string, string>, filter: ReplayFilter): boolean {
  if (filter.reason && headers[DLQ.reason] !== filter.reason) return false;
  const source = `${headers[DLQ.sourcePartition]}:${headers[DLQ.sourceOffset]}`;
  return !filter.sources || filter.sources.includes(source);
}

/** Reads the dead-letter topic from its start up to its current end and republishes the matching records. */
export async function replayDeadLetters(
  kafka: Kafka,
  settings: KafkaSettings,
  filter: ReplayFilter = {},
): Promise<ReplayedRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(settings.topics.dlq);
  await admin.disconnect();
  const pending = new Map(ends.filter((p) => p.high !== p.low).map((p) => [p.partition, BigInt(p.high)]));
  const picked: Array<{ message: KafkaMessage; record: ReplayedRecord }> = [];
  if (pending.size > 0) {
    const consumer = kafka.consumer({
      groupId: `${settings.groupId}-dlq-replay-${Date.now()}`,
      maxWaitTimeInMs: 250,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: settings.topics.dlq, fromBeginning: true });
    // Transaction markers occupy offsets too, so "reached the end" is also "nothing new for a moment".
    await new Promise<void>((resolve, reject) => {
      let idle: NodeJS.Timeout | undefined;
      const quietFor = (ms: number) => {
        clearTimeout(idle);
        idle = setTimeout(resolve, ms);
      };
      consumer.on(consumer.events.GROUP_JOIN, () => quietFor(3000));
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            quietFor(1500);
            const headers = readHeaders(message);
            if (matches(headers, filter)) {
              picked.push({
                message,
                record: {
                  reason: headers[DLQ.reason] ?? '',
                  error: headers[DLQ.error] ?? '',
                  source: `${headers[DLQ.sourceTopic]}/${headers[DLQ.sourcePartition]}/${headers[DLQ.sourceOffset]}`,
                  dlqOffset: `${partition}:${message.offset}`,
                },
              });
            }
            const end = pending.get(partition);
            if (end !== undefined && BigInt(message.offset) + 1n >= end) pending.delete(partition);
            if (pending.size === 0) {
              clearTimeout(idle);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
  }
  if (!filter.dryRun && picked.length > 0) {
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    await producer.send({
      topic: settings.topics.events,
      messages: picked.map(({ message }) => ({
        key: message.key,
        value: message.value,
        headers: originalHeaders(message),
      })),
    });
    await producer.disconnect();
  }
  return picked.map((p) => p.record);
}
