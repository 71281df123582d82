// Creates the topics a service uses when they are missing (unless KAFKA_CREATE_TOPICS=false); the accounts topic
// is compacted (one snapshot per user).
import type { Kafka } from 'kafkajs';
import type { KafkaSettings } from './settings.js';

export type TopicRole = keyof KafkaSettings['topics'];

const ALL_ROLES: TopicRole[] = ['events', 'results', 'dlq', 'retry', 'accounts'];

/** Creates the missing topics among `roles` (all by default); returns the names it created. */
export async function ensureTopics(
  kafka: Kafka,
  settings: KafkaSettings,
  roles: TopicRole[] = ALL_ROLES,
): Promise<string[]> {
  if (!settings.createTopics) return [];
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = roles
      .map((role) => ({
        topic: settings.topics[role],
        numPartitions: settings.partitions,
        replicationFactor: settings.replicationFactor,
        ...(role === 'accounts' ? { configEntries: [{ name: 'cleanup.policy', value: 'compact' }] } : {}),
      }))
      .filter((t) => !existing.has(t.topic));
    if (wanted.length === 0) return [];
    await admin.createTopics({ waitForLeaders: true, topics: wanted });
    return wanted.map((t) => t.topic);
  } finally {
    await admin.disconnect();
  }
}
