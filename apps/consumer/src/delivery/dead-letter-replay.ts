// Sends dead letters back once their cause is fixed (a policy change, a user created, a Zendesk outage over). The
// original value, key and headers go back unchanged; our dlq-* and retry-* headers are dropped. An event goes back
// to the events topic; a scheduled step the scheduler had fired (a purge, an effective-dated step: scheduled-*
// headers) goes back to the retry topic, the only topic where those headers are trusted, as a first try due now,
// so that it runs as that step again rather than as the event that scheduled it.
import { Partitioners, type Kafka, type KafkaMessage } from 'kafkajs';
import { readTopicToEnd, type KafkaSettings } from '@zendesk-lifecycle/service-runtime';
import { firingOf } from '../scheduling/firing.js';
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
  /** Where it was sent: the events topic, or the retry topic for a fired scheduled step. */
  to: 'events' | 'retry';
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
  const picked: Array<{ message: KafkaMessage; record: ReplayedRecord }> = [];
  const groupId = `${settings.groupId}-dlq-replay-${Date.now()}`;
  await readTopicToEnd(
    kafka,
    settings.topics.dlq,
    (message, partition) => {
      const headers = readHeaders(message);
      if (!matches(headers, filter)) return;
      picked.push({
        message,
        record: {
          reason: headers[DLQ.reason] ?? '',
          error: headers[DLQ.error] ?? '',
          source: `${headers[DLQ.sourceTopic]}/${headers[DLQ.sourcePartition]}/${headers[DLQ.sourceOffset]}`,
          dlqOffset: `${partition}:${message.offset}`,
          to: firingOf(headers) ? 'retry' : 'events',
        },
      });
    },
    { groupId },
  );
  if (!filter.dryRun && picked.length > 0) {
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    for (const to of ['events', 'retry'] as const) {
      const messages = picked
        .filter(({ record }) => record.to === to)
        .map(({ message }) => ({
          key: message.key,
          value: message.value,
          headers: originalHeaders(message),
        }));
      if (messages.length > 0) await producer.send({ topic: settings.topics[to], messages });
    }
    await producer.disconnect();
  }
  return picked.map((p) => p.record);
}
