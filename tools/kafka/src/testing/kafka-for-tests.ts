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
    TOPIC_BRAKE: `${run}.brake`,
  };
}

export function testKafka(clientId = uniqueName('test-client')): Kafka {
  return new Kafka({ clientId, brokers: testBrokers(), logLevel: logLevel.NOTHING });
}

/** Creates topics and waits until they have leaders. */
export async function createTopics(
  admin: Admin,
  topics: Array<{
    topic: string;
    numPartitions?: number;
    configEntries?: Array<{ name: string; value: string }>;
  }>,
): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
    topics: topics.map((t) => ({ numPartitions: 1, replicationFactor: 1, ...t })),
  });
}
