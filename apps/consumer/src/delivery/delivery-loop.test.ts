// The delivery guarantees, on the real broker: one terminal write per record, committed with its offset.
import { afterEach, describe, expect, it } from 'vitest';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { createTopics, testKafka, uniqueName } from '@zendesk-lifecycle/kafka';
import { createLogger, kafkaSettingsFromEnv, type KafkaSettings } from '@zendesk-lifecycle/service-runtime';
import { DeliveryLoop, type RecordProcessor } from './delivery-loop.js';
import { replayDeadLetters } from './dead-letter-replay.js';
import { readHeaders } from './headers.js';
import { TransactionalWriters } from './transactions.js';

const logger = createLogger({ level: 'silent', pretty: false });
const loops: DeliveryLoop[] = [];
afterEach(async () => {
  await Promise.all(loops.splice(0).map((l) => l.stop()));
});

async function setup(): Promise<{ kafka: Kafka; settings: KafkaSettings }> {
  const id = uniqueName('dl');
  const settings = kafkaSettingsFromEnv({
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    KAFKA_GROUP_ID: `${id}-group`,
    TOPIC_EVENTS: `${id}.events`,
    TOPIC_RESULTS: `${id}.results`,
    TOPIC_DLQ: `${id}.dlq`,
    TOPIC_RETRY: `${id}.retry`,
    TOPIC_ACCOUNTS: `${id}.accounts`,
    TOPIC_SCHEDULED: `${id}.scheduled`,
    TOPIC_BRAKE: `${id}.brake`,
  });
  const kafka = testKafka(id);
  const admin = kafka.admin();
  await admin.connect();
  await createTopics(
    admin,
    Object.values(settings.topics).map((topic) => ({ topic, numPartitions: 2 })),
  );
  await admin.disconnect();
  return { kafka, settings };
}

async function startLoop(kafka: Kafka, settings: KafkaSettings, processor: RecordProcessor, extra = {}) {
  const loop = new DeliveryLoop({
    kafka,
    settings,
    logger,
    processor,
    concurrency: 2,
    inPlaceAttempts: 2,
    maxAttempts: 4,
    retryDelayMs: 300,
    backoff: { initialMs: 50, maxMs: 200 },
    transactionalIdPrefix: uniqueName('txn'),
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 1000,
    rebalanceTimeoutMs: 20_000,
    ...extra,
  });
  loops.push(loop);
  await loop.start();
  return loop;
}

/**
 * The test's own publisher, idempotent as the product's (apps/producer) is: these tests count records, and a plain
 * producer that retries a send whose answer was slow (a loaded machine) appends the batch twice, so the events
 * topic holds two records for one publish and the loop rightly writes two results.
 */
const testProducer = (kafka: Kafka) =>
  kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });

async function publish(kafka: Kafka, topic: string, values: string[]) {
  const producer = testProducer(kafka);
  await producer.connect();
  await producer.send({ topic, messages: values.map((value, i) => ({ key: `user-${i}`, value })) });
  await producer.disconnect();
}

/** Reads committed records of a topic until `count` arrived (read_committed, as downstream consumers do). */
async function collect(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 45_000,
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
  const out: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void out.push(message) });
  const deadline = Date.now() + timeoutMs;
  while (out.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 300));
  await consumer.disconnect();
  return out;
}

const resultOf = (text: string) => ({
  kind: 'done' as const,
  summary: text,
  result: { key: text, value: `result:${text}` },
});

describe('delivery loop', () => {
  it('publishes one result per record and commits the offsets', async () => {
    const { kafka, settings } = await setup();
    await publish(kafka, settings.topics.events, ['a', 'b', 'c', 'd']);
    await startLoop(kafka, settings, async ({ message }) => resultOf(message.value!.toString()));
    const results = await collect(kafka, settings.topics.results, 4);
    expect(results.map((m) => m.value!.toString()).sort()).toEqual([
      'result:a',
      'result:b',
      'result:c',
      'result:d',
    ]);

    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId: settings.groupId, topics: [settings.topics.events] });
    await admin.disconnect();
    const committed = offsets[0]!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    expect(committed).toBe(4);
  });

  it('sends a poison record to the dead-letter topic with its reason and keeps going', async () => {
    const { kafka, settings } = await setup();
    await publish(kafka, settings.topics.events, ['good-1', 'poison', 'good-2']);
    let poisonAt = { partition: -1, offset: '' };
    await startLoop(kafka, settings, async ({ message, partition }) => {
      const text = message.value!.toString();
      if (text === 'poison') poisonAt = { partition, offset: message.offset };
      return text === 'poison'
        ? { kind: 'dead_letter', reason: 'invalid_event', error: 'not JSON' }
        : resultOf(text);
    });
    const [dead] = await collect(kafka, settings.topics.dlq, 1);
    expect(dead!.value!.toString()).toBe('poison');
    const headers = readHeaders(dead!);
    expect(headers).toMatchObject({
      'dlq-reason': 'invalid_event',
      'dlq-error': 'not JSON',
      'dlq-source-topic': settings.topics.events,
      'dlq-attempts': '1',
    });
    // Where the poison record was read, exactly (any number would have passed ">= 0").
    expect([headers['dlq-source-partition'], headers['dlq-source-offset']]).toEqual([
      String(poisonAt.partition),
      poisonAt.offset,
    ]);
    expect(Date.parse(headers['dlq-time']!)).not.toBeNaN();
    const results = await collect(kafka, settings.topics.results, 2);
    expect(results.map((m) => m.value!.toString()).sort()).toEqual(['result:good-1', 'result:good-2']);
  });

  it('retries a transient failure in place, then succeeds without a second result', async () => {
    const { kafka, settings } = await setup();
    await publish(kafka, settings.topics.events, ['flaky']);
    let tries = 0;
    await startLoop(kafka, settings, async ({ message, attempt }) => {
      tries++;
      return attempt < 2
        ? { kind: 'retry', reason: 'rate_limited', error: '429', delayMs: 100 }
        : resultOf(message.value!.toString());
    });
    const results = await collect(kafka, settings.topics.results, 1);
    expect(results.map((m) => m.value!.toString())).toEqual(['result:flaky']);
    expect(tries).toBe(2);
  });

  it('hands a persistent failure to the retry topic, then to the dead-letter topic after the last attempt', async () => {
    const { kafka, settings } = await setup();
    await publish(kafka, settings.topics.events, ['always-failing']);
    const attempts: Array<{ topic: string; attempt: number }> = [];
    await startLoop(kafka, settings, async ({ topic, attempt }) => {
      attempts.push({ topic, attempt });
      return { kind: 'retry', reason: 'server_error', error: '503 from Zendesk', delayMs: 20 };
    });
    const [dead] = await collect(kafka, settings.topics.dlq, 1, 60_000);
    const headers = readHeaders(dead!);
    expect(headers['dlq-reason']).toBe('attempts_exhausted');
    expect(headers['dlq-error']).toMatch(/server_error: 503 from Zendesk/);
    expect(headers['dlq-attempts']).toBe('4');
    expect(headers['dlq-source-topic']).toBe(settings.topics.events);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    expect(attempts.filter((a) => a.topic === settings.topics.retry)).toHaveLength(2);
    expect(Object.keys(headers).some((h) => h.startsWith('retry-'))).toBe(false);
  });

  it('ignores retry-* headers a publisher put on the events topic: first attempt, processed at once', async () => {
    const { kafka, settings } = await setup();
    const producer = testProducer(kafka);
    await producer.connect();
    await producer.send({
      topic: settings.topics.events,
      messages: [
        {
          key: 'u1',
          value: 'forged',
          headers: {
            'retry-attempts': '99',
            'retry-due': String(Date.now() + 86_400_000),
            'retry-source-topic': settings.topics.events,
          },
        },
      ],
    });
    await producer.disconnect();
    const seen: Array<{ attempt: number; attempts: number; finalAttempt: boolean }> = [];
    await startLoop(kafka, settings, async ({ message, attempt, origin, finalAttempt }) => {
      seen.push({ attempt, attempts: origin.attempts, finalAttempt });
      return resultOf(message.value!.toString());
    });
    const results = await collect(kafka, settings.topics.results, 1);
    expect(results.map((m) => m.value!.toString())).toEqual(['result:forged']);
    expect(seen).toEqual([{ attempt: 1, attempts: 0, finalAttempt: false }]);
  });

  it('caps the due time of a retry record: a due time a day away waits only the retry delay', async () => {
    const { kafka, settings } = await setup();
    const producer = testProducer(kafka);
    await producer.connect();
    await producer.send({
      topic: settings.topics.retry,
      messages: [
        {
          key: 'u1',
          value: 'far-off',
          headers: {
            'retry-attempts': '1',
            'retry-due': String(Date.now() + 86_400_000),
            'retry-source-topic': settings.topics.events,
            'retry-source-partition': '0',
            'retry-source-offset': '0',
          },
        },
      ],
    });
    await producer.disconnect();
    const started = Date.now();
    await startLoop(kafka, settings, async ({ message }) => resultOf(message.value!.toString()), {
      retryDueMarginMs: 0,
    });
    const results = await collect(kafka, settings.topics.results, 1, 20_000);
    expect(results.map((m) => m.value!.toString())).toEqual(['result:far-off']);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('fences a former owner of a partition, so that its late outcome for a record cannot be committed', async () => {
    const { kafka, settings } = await setup();
    const prefix = uniqueName('txn');
    // A member that owned both partitions before this one and still holds initialised transactional producers.
    const formerOwner = new TransactionalWriters(kafka, settings.groupId, prefix);
    await formerOwner.fence(settings.topics.events, 0);
    await formerOwner.fence(settings.topics.events, 1);
    await publish(kafka, settings.topics.events, ['contested']);
    let lateCommit: 'committed' | 'refused' | undefined;
    await startLoop(
      kafka,
      settings,
      async ({ message, partition }) => {
        const next = (BigInt(message.offset) + 1n).toString();
        lateCommit = await formerOwner
          .commit(
            [{ topic: settings.topics.results, messages: [{ value: 'result:from-the-former-owner' }] }],
            {
              topic: settings.topics.events,
              partition,
              offset: next,
            },
          )
          .then(
            () => 'committed' as const,
            () => 'refused' as const,
          );
        return resultOf(message.value!.toString());
      },
      { transactionalIdPrefix: prefix },
    );
    const results = await collect(kafka, settings.topics.results, 2, 3000);
    await formerOwner.disconnect();
    expect(lateCommit).toBe('refused');
    expect(results.map((m) => m.value!.toString())).toEqual(['result:contested']);
  });
});

describe('dead-letter replay', () => {
  it('sends chosen dead letters back to the events topic with their original headers', async () => {
    const { kafka, settings } = await setup();
    const producer = testProducer(kafka);
    await producer.connect();
    await producer.send({
      topic: settings.topics.events,
      messages: [
        { key: 'u1', value: 'once-poison', headers: { ce_type: 'lifecycle.offboarding.v1' } },
        { key: 'u2', value: 'really-poison' },
      ],
    });
    await producer.disconnect();
    const fixed = new Set<string>();
    const loop = await startLoop(kafka, settings, async ({ message }) => {
      const text = message.value!.toString();
      if (fixed.has(text)) return resultOf(text);
      return {
        kind: 'dead_letter',
        reason: text === 'once-poison' ? 'unknown_user' : 'invalid_event',
        error: 'x',
      };
    });
    await collect(kafka, settings.topics.dlq, 2);

    const dry = await replayDeadLetters(kafka, settings, { reason: 'unknown_user', dryRun: true });
    expect(dry.map((r) => r.reason)).toEqual(['unknown_user']);
    fixed.add('once-poison');
    const replayed = await replayDeadLetters(kafka, settings, { reason: 'unknown_user' });
    expect(replayed).toHaveLength(1);
    const results = await collect(kafka, settings.topics.results, 1);
    expect(results.map((m) => m.value!.toString())).toEqual(['result:once-poison']);
    const events = await collect(kafka, settings.topics.events, 3);
    const copies = events.filter((m) => m.value!.toString() === 'once-poison').map(readHeaders);
    expect(copies).toHaveLength(2);
    expect(copies[1]).toEqual({ ce_type: 'lifecycle.offboarding.v1' });
    await loop.stop();
  });

  it('sends a fired scheduled step back to the retry topic, where its scheduled headers count, due at once', async () => {
    const { kafka, settings } = await setup();
    const scheduled = {
      'scheduled-phase': 'due',
      'scheduled-kind': 'purge',
      'scheduled-entry': 'purge:abc',
      'scheduled-due-at': '2026-11-30T09:00:00.000Z',
    };
    const producer = testProducer(kafka);
    await producer.connect();
    await producer.send({
      topic: settings.topics.retry,
      messages: [{ key: 'u9', value: 'purge-once', headers: { ...scheduled, 'retry-attempts': '49' } }],
    });
    await producer.disconnect();
    const fixed = new Set<string>();
    const seen: Array<{ topic: string; headers: Record<string, string>; attempt: number }> = [];
    const loop = await startLoop(kafka, settings, async (record) => {
      const text = record.message.value!.toString();
      seen.push({ topic: record.topic, headers: readHeaders(record.message), attempt: record.attempt });
      if (fixed.has(text)) return resultOf(text);
      return { kind: 'dead_letter', reason: 'zendesk_unavailable', error: 'x' };
    });
    await collect(kafka, settings.topics.dlq, 1);
    fixed.add('purge-once');
    const replayed = await replayDeadLetters(kafka, settings, {});
    expect(replayed.map((r) => r.to)).toEqual(['retry']);
    expect((await collect(kafka, settings.topics.results, 1)).map((m) => m.value!.toString())).toEqual([
      'result:purge-once',
    ]);
    const again = seen.at(-1)!;
    expect(again.topic).toBe(settings.topics.retry);
    expect(again.headers).toEqual(scheduled);
    expect(again.attempt).toBe(1);
    await loop.stop();
  });
});
