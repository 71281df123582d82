// Creates the topics a service uses when they are missing (unless KAFKA_CREATE_TOPICS=false): min.insync.replicas
// suited to the replication factor, a retention per topic, and the accounts topic compacted (one snapshot per user),
// as is the scheduled-steps topic (one record per waiting entry, a tombstone once it fired or was cancelled);
// and so is the brake's (one partition: every consumer instance reads its ticks in the same order).
import type { Kafka } from 'kafkajs';
import type { KafkaSettings } from './settings.js';

export type TopicRole = keyof KafkaSettings['topics'];

/** What ensureTopics creates unless told which; Zendesk's user events topic is created by those that use it. */
const ALL_ROLES: TopicRole[] = ['events', 'results', 'dlq', 'retry', 'accounts', 'scheduled', 'brake'];
/** The brake's ticks are removed by tombstones: hourly segments let compaction reach them. */
const BRAKE_SEGMENTS = [{ name: 'segment.ms', value: String(3_600_000) }];
/** Topics read in one total order: one partition. */
const SINGLE_PARTITION: ReadonlySet<TopicRole> = new Set<TopicRole>(['brake']);

/** The configs a topic is created with: 2 in-sync replicas from replication factor 3 (so one broker may be down). */
export function topicConfigs(
  role: TopicRole,
  settings: KafkaSettings,
): Array<{ name: string; value: string }> {
  const minInSync = settings.replicationFactor >= 3 ? 2 : 1;
  const retention =
    role === 'accounts' || role === 'scheduled' || role === 'brake'
      ? [{ name: 'cleanup.policy', value: 'compact' }, ...(role === 'brake' ? BRAKE_SEGMENTS : [])]
      : [{ name: 'retention.ms', value: String(settings.retentionMs[role]) }];
  return [{ name: 'min.insync.replicas', value: String(minInSync) }, ...retention];
}

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
        numPartitions: SINGLE_PARTITION.has(role) ? 1 : settings.partitions,
        replicationFactor: settings.replicationFactor,
        configEntries: topicConfigs(role, settings),
      }))
      .filter((t) => !existing.has(t.topic));
    if (wanted.length === 0) return [];
    await admin.createTopics({ waitForLeaders: true, topics: wanted });
    return wanted.map((t) => t.topic);
  } finally {
    await admin.disconnect();
  }
}
