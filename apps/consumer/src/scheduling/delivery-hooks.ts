// What the delivery loop needs from scheduling: the firing a retry-topic record carries, and the partition count
// of the scheduled topic (a user's records go to partition hash(user) modulo it: scheduling/entries.ts).
import type { Kafka, KafkaMessage } from 'kafkajs';
import { readHeaders } from '../delivery/headers.js';
import { firingOf, type ScheduledFiring } from './firing.js';

/** The firing a record of the retry topic carries (call it for the retry topic only: the headers are ours there). */
export function scheduledOf(message: KafkaMessage): { scheduled?: ScheduledFiring } {
  const firing = firingOf(readHeaders(message));
  return firing ? { scheduled: firing } : {};
}

/** How many partitions the scheduled topic has. It must not change once records are in it. */
export async function scheduledPartitionCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return Math.max(1, topics[0]?.partitions.length ?? 1);
  } finally {
    await admin.disconnect();
  }
}
