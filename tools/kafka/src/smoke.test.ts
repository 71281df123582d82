// Proves that kafkajs 2.2.4 works fully against the broker this tool runs: the reason a Kafka version is chosen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressionTypes, type Admin, type Consumer, type EachMessagePayload } from 'kafkajs';
import { createTopics, testKafka, uniqueName } from './testing/kafka-for-tests.js';

const kafka = testKafka('smoke');
let admin: Admin;

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await admin.disconnect();
});

function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (condition()) return resolve();
      if (Date.now() > deadline) return reject(new Error('condition not met in time'));
      setTimeout(tick, 50);
    };
    tick();
  });
}

describe('the local Kafka broker with kafkajs', () => {
  it('creates and deletes topics through the admin API', async () => {
    const topic = uniqueName('smoke-admin');
    await createTopics(admin, [{ topic, numPartitions: 3 }]);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
    await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
    let remaining: string[] = [topic];
    await waitFor(() => {
      void admin.listTopics().then((topics) => (remaining = topics));
      return !remaining.includes(topic);
    });
    expect(remaining).not.toContain(topic);
  });

  it('delivers every message of an idempotent producer exactly once and in order', async () => {
    const topic = uniqueName('smoke-idempotent');
    await createTopics(admin, [{ topic, numPartitions: 1 }]);
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    const sent = Array.from({ length: 200 }, (_, i) => `m${i}`);
    for (let i = 0; i < sent.length; i += 50) {
      await producer.send({
        topic,
        compression: CompressionTypes.None,
        messages: sent.slice(i, i + 50).map((value) => ({ key: 'same-user', value })),
      });
    }
    await producer.disconnect();

    const received: string[] = [];
    const consumer = kafka.consumer({ groupId: uniqueName('smoke-idem-group'), maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.value!.toString()) });
    await waitFor(() => received.length >= sent.length);
    await consumer.disconnect();
    expect(received).toEqual(sent);
  });

  it('commits offsets and a restarted member of the group resumes after them', async () => {
    const topic = uniqueName('smoke-commit');
    const groupId = uniqueName('smoke-commit-group');
    await createTopics(admin, [{ topic }]);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: String(i) })) });

    const first = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    await first.connect();
    await first.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    await first.run({
      autoCommit: false,
      eachMessage: async ({ message, partition }) => {
        seen++;
        if (message.value!.toString() === '5') {
          await first.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
        }
      },
    });
    await waitFor(() => seen >= 10);
    await first.disconnect();
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committed[0]?.partitions[0]?.offset).toBe('6');

    await producer.send({ topic, messages: [{ value: '10' }] });
    await producer.disconnect();
    const again: string[] = [];
    const second = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    await second.connect();
    await second.subscribe({ topic, fromBeginning: true });
    await second.run({ eachMessage: async ({ message }) => void again.push(message.value!.toString()) });
    await waitFor(() => again.length >= 5);
    await second.disconnect();
    expect(again).toEqual(['6', '7', '8', '9', '10']);
  });

  it('shares partitions between two members and rebalances when one leaves', async () => {
    const topic = uniqueName('smoke-group');
    const groupId = uniqueName('smoke-group');
    await createTopics(admin, [{ topic, numPartitions: 4 }]);
    const assignments = new Map<string, number[]>();
    const member = (name: string): Consumer => {
      const consumer = kafka.consumer({
        groupId,
        sessionTimeout: 6000,
        heartbeatInterval: 500,
        maxWaitTimeInMs: 200,
        rebalanceTimeout: 10_000,
      });
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        assignments.set(name, event.payload.memberAssignment[topic] ?? []);
      });
      return consumer;
    };
    const noop = async (_: EachMessagePayload) => undefined;
    const a = member('a');
    await a.connect();
    await a.subscribe({ topic });
    await a.run({ eachMessage: noop });
    await waitFor(() => (assignments.get('a')?.length ?? 0) === 4);

    const b = member('b');
    await b.connect();
    await b.subscribe({ topic });
    await b.run({ eachMessage: noop });
    await waitFor(
      () => (assignments.get('a')?.length ?? 0) === 2 && (assignments.get('b')?.length ?? 0) === 2,
    );
    const split = [...assignments.get('a')!, ...assignments.get('b')!].sort();
    expect(split).toEqual([0, 1, 2, 3]);

    await b.disconnect();
    await waitFor(() => (assignments.get('a')?.length ?? 0) === 4);
    await a.disconnect();
    const group = await admin.describeGroups([groupId]);
    expect(group.groups[0]?.state).toBe('Empty');
  });
});
