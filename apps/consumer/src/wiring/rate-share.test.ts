// The consumer's hint about its share of the Zendesk rate budget follows its partitions through rebalances
// (real broker; two consumers of one group join, then one leaves).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Consumer } from 'kafkajs';
import { createTopics, testKafka, uniqueName } from '@zendesk-lifecycle/kafka';
import { createLogger } from '@zendesk-lifecycle/service-runtime';
import { partitionShare, shareRateBudgetByPartitions } from './rate-share.js';

const logger = createLogger({ level: (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent', pretty: false });
const kafka = testKafka(uniqueName('rate-share'));
let admin: Admin;

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await admin.disconnect();
});

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the rate-budget hint', () => {
  it('is our partitions of the events topic against all of them', () => {
    expect(partitionShare({ events: [0, 3] }, 'events', 6)).toBeCloseTo(1 / 3);
    expect(partitionShare({ retry: [0] }, 'events', 6)).toBe(0);
    expect(partitionShare({ events: [0] }, 'events', undefined)).toBeNull();
  });

  it('follows the assignment as instances join and leave the group', async () => {
    const topic = uniqueName('rate-share-events');
    const groupId = uniqueName('rate-share-group');
    await createTopics(admin, [{ topic, numPartitions: 4 }]);
    const shares = { a: [] as Array<number | null>, b: [] as Array<number | null> };
    const consumers: Consumer[] = [];
    const start = async (name: 'a' | 'b') => {
      const wrapped = shareRateBudgetByPartitions({
        kafka,
        groupId,
        topic,
        targets: [{ shareRateBudget: (share) => void shares[name].push(share) }],
        logger,
      });
      // Another group through the same Kafka gives no hint.
      expect(wrapped.consumer({ groupId: `${groupId}-other` })).toBeDefined();
      const consumer = wrapped.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async () => undefined });
      consumers.push(consumer);
      return consumer;
    };
    const a = await start('a');
    await until(() => shares.a.at(-1) === 1);
    const b = await start('b');
    await until(() => shares.a.at(-1) === 0.5 && shares.b.at(-1) === 0.5);
    await b.disconnect();
    await until(() => shares.a.at(-1) === 1);
    await a.disconnect();
    expect(shares.b.every((s) => s === 0.5)).toBe(true);
  }, 120_000);
});
