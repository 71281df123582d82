// Reads a topic from its start to (about) its current end: to the high watermark, or until it has been quiet
// for a moment (transaction markers occupy offsets that no record reaches).
import type { Kafka, KafkaMessage } from 'kafkajs';

/** Hands every record of `topic` to `onMessage`, from the start to the end it had when called. */
export async function readTopicToEnd(
  kafka: Kafka,
  topic: string,
  onMessage: (message: KafkaMessage, partition: number) => void,
  options: {
    groupId?: string;
    /** false: the reader commits no offsets (a report's read leaves no trace in the group's offsets). */
    commit?: boolean;
  } = {},
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const exists = (await admin.listTopics()).includes(topic);
  const ends = exists ? await admin.fetchTopicOffsets(topic) : [];
  await admin.disconnect();
  const pending = new Map(ends.filter((p) => p.high !== p.low).map((p) => [p.partition, BigInt(p.high)]));
  if (pending.size === 0) return;
  const consumer = kafka.consumer({
    groupId: options.groupId ?? `zendesk-lifecycle-reader-${Date.now()}-${Math.random()}`,
    maxWaitTimeInMs: 250,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    let idle: NodeJS.Timeout | undefined;
    const quiet = (ms: number) => {
      clearTimeout(idle);
      idle = setTimeout(resolve, ms);
    };
    consumer.on(consumer.events.GROUP_JOIN, () => quiet(3000));
    consumer
      .run({
        ...(options.commit === false ? { autoCommit: false } : {}),
        eachMessage: async ({ partition, message }) => {
          quiet(1500);
          onMessage(message, partition);
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
