// Topics against the real broker: the missing ones are created (accounts compacted, min.insync.replicas and
// retention per topic), existing ones left alone, and a topic is read back to the end it had.
import { describe, expect, it } from 'vitest';
import { testBrokers, uniqueName } from '@zendesk-lifecycle/kafka';
import { createLogger } from '../logger.js';
import { createKafka } from './client.js';
import { readTopicToEnd } from './read-topic.js';
import { kafkaSettingsFromEnv } from './settings.js';
import { ensureTopics, topicConfigs } from './topics.js';

const settingsFor = (run: string, extra: Record<string, string> = {}) =>
  kafkaSettingsFromEnv({
    KAFKA_BROKERS: testBrokers().join(','),
    TOPIC_EVENTS: `${run}.events`,
    TOPIC_RESULTS: `${run}.results`,
    TOPIC_DLQ: `${run}.dlq`,
    TOPIC_RETRY: `${run}.retry`,
    TOPIC_ACCOUNTS: `${run}.accounts`,
    TOPIC_SCHEDULED: `${run}.scheduled`,
    TOPIC_BRAKE: `${run}.brake`,
    TOPIC_ZENDESK_USER_EVENTS: `${run}.user-events`,
    KAFKA_TOPIC_PARTITIONS: '2',
    ...extra,
  });
const logger = createLogger({ level: 'silent', pretty: false });

describe('ensureTopics', () => {
  it('creates the missing topics once, the accounts topic compacted', async () => {
    const run = uniqueName('topics');
    const settings = settingsFor(run);
    const kafka = createKafka(settings, logger);
    expect(await ensureTopics(kafka, settings, ['events', 'accounts'])).toEqual([
      `${run}.events`,
      `${run}.accounts`,
    ]);
    expect((await ensureTopics(kafka, settings)).sort()).toEqual(
      [`${run}.results`, `${run}.dlq`, `${run}.retry`, `${run}.scheduled`, `${run}.brake`].sort(),
    );
    expect(await ensureTopics(kafka, settings)).toEqual([]);
    const admin = kafka.admin();
    await admin.connect();
    const [accounts] = (
      await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: `${run}.accounts`, configNames: ['cleanup.policy'] }],
      })
    ).resources;
    const meta = await admin.fetchTopicMetadata({ topics: [`${run}.events`, `${run}.brake`] });
    await admin.disconnect();
    expect(accounts!.configEntries[0]!.configValue).toBe('compact');
    expect(meta.topics.find((t) => t.name === `${run}.events`)!.partitions).toHaveLength(2);
    expect(meta.topics.find((t) => t.name === `${run}.brake`)!.partitions).toHaveLength(1);
  });

  it('creates each topic with min.insync.replicas for its replication factor and its own retention', async () => {
    const run = uniqueName('topic-configs');
    const settings = settingsFor(run, { KAFKA_RETENTION_DLQ_MS: '3600000' });
    const kafka = createKafka(settings, logger);
    await ensureTopics(kafka, settings);
    // Zendesk's user events topic only when asked for (by the services that use it).
    await ensureTopics(kafka, settings, ['userEvents']);
    const admin = kafka.admin();
    await admin.connect();
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: Object.values(settings.topics).map((name) => ({
        type: 2,
        name,
        configNames: ['min.insync.replicas', 'retention.ms', 'cleanup.policy'],
      })),
    });
    await admin.disconnect();
    const config = (topic: string) =>
      Object.fromEntries(
        resources
          .find((r) => r.resourceName === topic)!
          .configEntries.map((e) => [e.configName, e.configValue]),
      );
    expect(config(settings.topics.dlq)).toMatchObject({
      'min.insync.replicas': '1',
      'retention.ms': '3600000',
    });
    expect(config(settings.topics.results)).toMatchObject({
      'retention.ms': String(30 * 86_400_000),
      'cleanup.policy': 'delete',
    });
    expect(config(settings.topics.events)['retention.ms']).toBe(String(7 * 86_400_000));
    expect(config(settings.topics.accounts)).toMatchObject({
      'cleanup.policy': 'compact',
      'min.insync.replicas': '1',
    });
    expect(config(settings.topics.scheduled)).toMatchObject({ 'cleanup.policy': 'compact' });
    expect(config(settings.topics.brake)).toMatchObject({ 'cleanup.policy': 'compact' });
    expect(config(settings.topics.userEvents)).toMatchObject({
      'retention.ms': String(30 * 86_400_000),
      'cleanup.policy': 'delete',
    });
  });

  it('asks for 2 in-sync replicas from replication factor 3, 1 below', () => {
    const minInSync = (rf: string) =>
      topicConfigs('results', settingsFor('x', { KAFKA_REPLICATION_FACTOR: rf })).find(
        (c) => c.name === 'min.insync.replicas',
      )!.value;
    expect([minInSync('1'), minInSync('2'), minInSync('3'), minInSync('5')]).toEqual(['1', '1', '2', '2']);
  });

  it('creates nothing with KAFKA_CREATE_TOPICS=false', async () => {
    const run = uniqueName('no-topics');
    const settings = settingsFor(run, { KAFKA_CREATE_TOPICS: 'false' });
    const kafka = createKafka(settings, logger);
    expect(await ensureTopics(kafka, settings)).toEqual([]);
    const admin = kafka.admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    expect(topics.filter((t) => t.startsWith(run))).toEqual([]);
  });
});

describe('readTopicToEnd', () => {
  it('hands over every record up to the end the topic had, and returns at once for a missing topic', async () => {
    const run = uniqueName('read');
    const settings = settingsFor(run);
    const kafka = createKafka(settings, logger);
    await ensureTopics(kafka, settings, ['events']);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: settings.topics.events,
      messages: Array.from({ length: 20 }, (_, i) => ({ partition: i % 2, value: String(i) })),
    });
    await producer.disconnect();
    const seen: string[] = [];
    const partitions = new Set<number>();
    await readTopicToEnd(kafka, settings.topics.events, (m, partition) => {
      seen.push(m.value!.toString());
      partitions.add(partition);
    });
    expect(seen.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect([...partitions].sort()).toEqual([0, 1]);
    const none: string[] = [];
    await readTopicToEnd(kafka, `${run}.missing`, (m) => none.push(String(m.value)));
    expect(none).toEqual([]);
  });

  it('with commit: false, leaves no committed offset for its group (by default it commits)', async () => {
    const run = uniqueName('read-nocommit');
    const settings = settingsFor(run);
    const kafka = createKafka(settings, logger);
    await ensureTopics(kafka, settings, ['events']);
    const producer = kafka.producer();
    await producer.connect();
    for (const value of ['a', 'b', 'c'])
      await producer.send({ topic: settings.topics.events, messages: [{ partition: 0, value }] });
    await producer.disconnect();
    const committed = async (commit: boolean | undefined) => {
      const groupId = `${run}.reader-${String(commit)}`;
      const seen: string[] = [];
      await readTopicToEnd(kafka, settings.topics.events, (m) => seen.push(String(m.value)), {
        groupId,
        ...(commit === undefined ? {} : { commit }),
      });
      expect(seen).toEqual(['a', 'b', 'c']);
      const admin = kafka.admin();
      await admin.connect();
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [settings.topics.events] });
      await admin.disconnect();
      return offsets!.partitions.filter((p) => p.offset !== '-1').length;
    };
    expect(await committed(false)).toBe(0);
    expect(await committed(undefined)).toBeGreaterThan(0);
  });
});
