// Helpers for tests that talk to the real broker: unique names, a client, topics that clean themselves up.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';

/** Bootstrap servers of the broker this test run uses (set by the global setup or by the caller). */
export function testBrokers(): string[] {
  const value = process.env.KAFKA_BROKERS;
  if (!value) throw new Error('KAFKA_BROKERS is not set: add tools/kafka global setup to vitest.config.ts');
  return value.split(',').map((s) => s.trim());
}

/** A name no other test (or test run) uses: tests isolate themselves by topic and group names. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A run's own topics, as the consumer's TOPIC_* variables: `{run}.events`, `{run}.results`, ... */
export function runTopics(run: string) {
  return {
    TOPIC_EVENTS: `${run}.events`,
    TOPIC_RESULTS: `${run}.results`,
    TOPIC_DLQ: `${run}.dlq`,
    TOPIC_RETRY: `${run}.retry`,
    TOPIC_ACCOUNTS: `${run}.accounts`,
    TOPIC_SCHEDULED: `${run}.scheduled`,
    TOPIC_BRAKE: `${run}.brake`,
    TOPIC_ZENDESK_USER_EVENTS: `${run}.user-events`,
  };
}

export function testKafka(clientId = uniqueName('test-client')): Kafka {
  return new Kafka({ clientId, brokers: testBrokers(), logLevel: logLevel.NOTHING });
}

/**
 * Creates topics and waits until every partition has a leader. kafkajs's own wait (`waitForLeaders`) gives up on
 * the first "This server does not host this topic-partition" a loaded KRaft broker answers while the new topic's
 * metadata is still spreading; this wait treats that answer as "not yet", for up to `timeoutMs`.
 */
export async function createTopics(
  admin: Admin,
  topics: Array<{
    topic: string;
    numPartitions?: number;
    configEntries?: Array<{ name: string; value: string }>;
  }>,
  timeoutMs = 30_000,
): Promise<void> {
  await admin.createTopics({
    waitForLeaders: false,
    topics: topics.map((t) => ({ numPartitions: 1, replicationFactor: 1, ...t })),
  });
  const names = topics.map((t) => t.topic);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: names });
      const ready = names.every((name) => {
        const partitions = found.find((t) => t.name === name)?.partitions ?? [];
        const wanted = topics.find((t) => t.topic === name)?.numPartitions ?? 1;
        return partitions.length >= wanted && partitions.every((p) => p.leader >= 0);
      });
      if (ready) return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    if (Date.now() >= deadline)
      throw new Error(`topics without leaders after ${timeoutMs} ms: ${names.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
