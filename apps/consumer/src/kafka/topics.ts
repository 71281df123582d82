// Creates the topics the service uses when they are missing (unless KAFKA_CREATE_TOPICS=false).
import type { Kafka } from 'kafkajs';
import type { KafkaSettings } from '@zendesk-lifecycle/core';

export async function ensureTopics(kafka: Kafka, settings: KafkaSettings): Promise<string[]> {
  if (!settings.createTopics) return [];
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const { events, results, dlq, retry, accounts } = settings.topics;
    const wanted = [
      { topic: events },
      { topic: results },
      { topic: dlq },
      { topic: retry },
      { topic: accounts, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    ].filter((t) => !existing.has(t.topic));
    if (wanted.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: wanted.map((t) => ({
        numPartitions: settings.partitions,
        replicationFactor: settings.replicationFactor,
        ...t,
      })),
    });
    return wanted.map((t) => t.topic);
  } finally {
    await admin.disconnect();
  }
}
