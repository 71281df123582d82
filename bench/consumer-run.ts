// For the consumer figures (pipeline, floods, calls per event, latency, memory under load): a run's environment
// (tools/kafka's consumerEnvironment, shared with the chaos suite), a fleet of consumer processes wired to the
// sandbox, a steady-state start (every member ready, every partition fenced), and a reader of results.
import { Kafka, logLevel, type Message } from 'kafkajs';
import { eventKey, type LifecycleEvent } from '@zendesk-lifecycle/core';
import { ConsumerFleet, consumerEnvironment, type KafkaCluster } from '@zendesk-lifecycle/kafka';
import type { RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';

export interface Arrival {
  /** When the reader saw the record (ms since the epoch). */
  at: number;
  topic: string;
  value: string;
}

export const toMessage = (e: LifecycleEvent): Message => ({ key: eventKey(e), value: JSON.stringify(e) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(
  what: string,
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
  logDir: string,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what} took longer than ${timeoutMs} ms; logs in ${logDir}`);
    await sleep(20);
  }
}

/** A run's own topics, a consumer fleet wired to the sandbox, and a reader counting committed results. */
export async function consumerRun(
  cluster: KafkaCluster,
  sandbox: RunningSandbox,
  name: string,
  events: LifecycleEvent[],
  extraEnv: Record<string, string> = {},
  options: { policy?: unknown } = {},
) {
  const environment = consumerEnvironment({
    name: `bench-${name}`,
    brokers: cluster.bootstrap,
    zendesk: sandbox,
    // The API token: OAuth token renewals would be Zendesk calls of their own in the request log.
    auth: 'token',
    ...(options.policy ? { policy: options.policy } : {}),
    env: { LOG_LEVEL: 'warn', CONSUMER_CONCURRENCY: '6', ...extraEnv },
  });
  const { topics, logDir } = environment;
  const kafka = new Kafka({ clientId: 'bench', brokers: cluster.brokers, logLevel: logLevel.NOTHING });
  const fleet = new ConsumerFleet(environment.env, logDir);
  const arrivals: Arrival[] = [];
  const results = () => arrivals.filter((a) => a.topic === topics.TOPIC_RESULTS);
  const reader = kafka.consumer({ groupId: `${environment.runId}-reader`, maxWaitTimeInMs: 20 });
  const producer = kafka.producer();
  let readerStarted: Promise<void> | undefined;
  let readiness: Promise<void> | undefined;
  const startReader = () =>
    (readerStarted ??= (async () => {
      await producer.connect();
      await reader.connect();
      await reader.subscribe({ topics: [topics.TOPIC_RESULTS, topics.TOPIC_DLQ], fromBeginning: true });
      await reader.run({
        eachMessage: async ({ topic, message }) =>
          void arrivals.push({ at: Date.now(), topic, value: message.value?.toString() ?? '' }),
      });
    })());

  const run = {
    fleet,
    environment,
    arrivals,
    /** Results arrived so far. */
    arrived: () => results().length,
    /** Arrival times of the results seen so far. */
    resultTimes: () => results().map((a) => a.at),
    /**
     * The start of steady state: every member answers /readyz (group joined, Zendesk reachable), then one
     * unparseable record is sent to each partition of the events topic and all of them are awaited in the
     * dead-letter topic, so that every partition has been fetched, fenced and committed by its owner in the
     * group's current generation. The warm-up makes no Zendesk call (a record that does not parse is dead-lettered
     * before any look-up); the readiness probes make one each.
     */
    ready: () =>
      (readiness ??= (async () => {
        if (fleet.size === 0) throw new Error(`${name}: no consumer in the fleet`);
        await until('every consumer to answer /readyz', () => fleet.allReady(), 120_000, logDir);
        await startReader();
        const admin = kafka.admin();
        await admin.connect();
        const { topics: found } = await admin.fetchTopicMetadata({ topics: [topics.TOPIC_EVENTS] });
        await admin.disconnect();
        const partitions = found[0]!.partitions.map((p) => p.partitionId);
        const dlqBefore = arrivals.filter((a) => a.topic === topics.TOPIC_DLQ).length;
        await producer.send({
          topic: topics.TOPIC_EVENTS,
          messages: partitions.map((partition) => ({
            partition,
            key: `warm-up-${partition}`,
            value: 'warm-up',
          })),
        });
        await until(
          'the warm-up dead letters',
          () => arrivals.filter((a) => a.topic === topics.TOPIC_DLQ).length >= dlqBefore + partitions.length,
          120_000,
          logDir,
        );
      })()),
    /** Publishes records (after ready()); resolves with the time they were acknowledged. */
    async publish(batch: LifecycleEvent[]): Promise<number> {
      await run.ready();
      for (let i = 0; i < batch.length; i += 500)
        await producer.send({ topic: topics.TOPIC_EVENTS, messages: batch.slice(i, i + 500).map(toMessage) });
      return Date.now();
    },
    /** Resolves once `count` results in all have arrived. */
    async waitForResults(count: number, timeoutMs: number): Promise<number[]> {
      await until(`${name}: ${count} results`, () => results().length >= count, timeoutMs, logDir);
      return run.resultTimes();
    },
    /** Publishes the events and resolves with the arrival time of every result, once all have arrived. */
    async publishAndWait(timeoutMs: number): Promise<number[]> {
      const before = results().length;
      await run.publish(events);
      return run.waitForResults(before + events.length, timeoutMs);
    },
    async stop(): Promise<void> {
      if (readerStarted) {
        await reader.disconnect();
        await producer.disconnect();
      }
      await fleet.stopAll();
    },
  };
  return run;
}
