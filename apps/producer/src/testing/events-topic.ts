// Test support for the ingestion tests: a fresh events topic on the real broker and a started publisher to it.
import type { Kafka } from 'kafkajs';
import { createTopics, uniqueName } from '@zendesk-lifecycle/kafka';
import { kafkaSettingsFromEnv, type KafkaSettings } from '@zendesk-lifecycle/service-runtime';
import { createPublisher, type Publisher } from '../publisher.js';

export async function eventsTopicWithPublisher(
  kafka: Kafka,
  prefix: string,
  partitions = 1,
): Promise<{ settings: KafkaSettings; publisher: Publisher }> {
  const id = uniqueName(prefix);
  const settings = kafkaSettingsFromEnv({
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    TOPIC_EVENTS: `${id}.events`,
  });
  const admin = kafka.admin();
  await admin.connect();
  await createTopics(admin, [{ topic: settings.topics.events, numPartitions: partitions }]);
  await admin.disconnect();
  const publisher = createPublisher(settings, kafka);
  await publisher.start();
  return { settings, publisher };
}
