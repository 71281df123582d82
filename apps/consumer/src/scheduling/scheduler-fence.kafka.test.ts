// The scheduler's fence, on the real broker: an instance taking over a scheduled partition fences the partition's
// transactional id before it reads the partition to its end, so a former owner still firing from a stale view
// (a rebalance it has not noticed yet) can commit nothing, and the entry fires once. The chaos suite found purges
// fired twice (two results for one purge) before this fence existed.
import { afterAll, describe, expect, it } from 'vitest';
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { runTopics, testKafka, uniqueName } from '@zendesk-lifecycle/kafka';
import { createLogger, ensureTopics, readTopicToEnd } from '@zendesk-lifecycle/service-runtime';
import { consumerSettingsFromEnv } from '../config.js';
import type { ScheduledEntry } from './entries.js';
import { SCHEDULED } from './firing.js';
import { Scheduler } from './scheduler.js';

const DAY = 86_400_000;
const logger = createLogger({ level: (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent', pretty: false });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(100);
  }
}

function entry(now: number): ScheduledEntry {
  return {
    kind: 'purge',
    due_at: new Date(now + DAY).toISOString(),
    created_at: new Date(now).toISOString(),
    user: { key: 'id:42', ref: { id: 42 }, zendesk_id: 42 },
    event: {
      id: 'off-1',
      source: 'hr/test',
      type: 'lifecycle.offboarding.v1',
      key: 'id:42',
      value: '{}',
      headers: {},
    },
    reason: 'permanent delete 1 days after the soft delete',
  };
}

async function firingsOf(kafka: Kafka, topic: string, id: string): Promise<number> {
  let n = 0;
  await readTopicToEnd(kafka, topic, (message: KafkaMessage) => {
    if (message.headers?.[SCHEDULED.entry]?.toString() === id) n++;
  });
  return n;
}

describe('the scheduler fences a scheduled partition when it takes it over', () => {
  it("refuses a former owner's late firing, and fires the entry once", async () => {
    const run = uniqueName('fence');
    const topics = runTopics(run);
    const settings = consumerSettingsFromEnv({
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
      KAFKA_GROUP_ID: `${run}-group`,
      KAFKA_CLIENT_ID: run,
      KAFKA_TOPIC_PARTITIONS: '1',
      KAFKA_SESSION_TIMEOUT_MS: '10000',
      KAFKA_HEARTBEAT_INTERVAL_MS: '1000',
      ...topics,
    }).kafka;
    const kafka = testKafka(run);
    await ensureTopics(kafka, settings);
    const prefix = uniqueName('txn');
    const id = 'purge:zl-contested';
    let skipped = 0;
    const clock = { now: () => new Date(Date.now() + skipped) };

    // A former owner of partition 0: its transactional producer was initialised before this instance took over.
    const formerOwner: Producer = kafka.producer({
      transactionalId: `${prefix}-${settings.groupId}.scheduler-${settings.topics.scheduled}-0`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await formerOwner.connect();
    cleanup.push(() => formerOwner.disconnect());
    await (await formerOwner.transaction()).abort();

    const writer = kafka.producer();
    await writer.connect();
    await writer.send({
      topic: settings.topics.scheduled,
      messages: [{ key: id, value: JSON.stringify(entry(Date.now())), partition: 0 }],
    });
    await writer.disconnect();

    const scheduler = new Scheduler({
      kafka,
      settings,
      logger,
      clock,
      tickMs: 200,
      transactionalIdPrefix: prefix,
    });
    await scheduler.start();
    cleanup.push(() => scheduler.stop());
    await waitFor('the scheduler to read its partition to the end', () => scheduler.index.isCaughtUp(0));
    expect(scheduler.index.list().map((e) => e.id)).toEqual([id]);

    // The former owner, from its stale view, fires the entry now: the takeover's fence refuses it.
    const late = await (async () => {
      const transaction = await formerOwner.transaction();
      try {
        await transaction.send({
          topic: settings.topics.retry,
          messages: [{ key: 'id:42', value: '{}', headers: { [SCHEDULED.entry]: id } }],
        });
        await transaction.send({
          topic: settings.topics.scheduled,
          messages: [{ key: id, value: null, partition: 0 }],
        });
        await transaction.commit();
        return 'committed';
      } catch {
        await transaction.abort().catch(() => undefined);
        return 'refused';
      }
    })();
    expect(late).toBe('refused');

    // Due: the new owner fires it, once.
    skipped += 2 * DAY;
    await waitFor(
      'the entry to be fired',
      async () => (await firingsOf(kafka, settings.topics.retry, id)) > 0,
    );
    await pause(1500);
    expect(await firingsOf(kafka, settings.topics.retry, id)).toBe(1);
    expect(scheduler.index.list()).toEqual([]);
  }, 60_000);
});
