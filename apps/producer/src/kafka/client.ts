// kafkajs clients from core's KafkaSettings (the producer's own copy: apps do not import each other).
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaSettings } from '@zendesk-lifecycle/core';

export function createKafka(settings: KafkaSettings, clientId = settings.clientId): Kafka {
  return new Kafka({
    clientId,
    brokers: settings.brokers,
    ssl: settings.ssl,
    ...(settings.sasl ? { sasl: settings.sasl as never } : {}),
    logLevel: logLevel.ERROR,
  });
}

/** Creates the topics the producer writes when they are missing (unless KAFKA_CREATE_TOPICS=false). */
export async function ensureTopics(
  kafka: Kafka,
  settings: KafkaSettings,
  which: Array<'events' | 'accounts'>,
): Promise<void> {
  if (!settings.createTopics) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const topics = which
      .map((w) => ({
        topic: settings.topics[w],
        numPartitions: settings.partitions,
        replicationFactor: settings.replicationFactor,
        ...(w === 'accounts' ? { configEntries: [{ name: 'cleanup.policy', value: 'compact' }] } : {}),
      }))
      .filter((t) => !existing.has(t.topic));
    if (topics.length > 0) await admin.createTopics({ waitForLeaders: true, topics });
  } finally {
    await admin.disconnect();
  }
}
