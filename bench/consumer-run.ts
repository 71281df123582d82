// For the consumer figures (pipeline, deprovision flood): a run's own topics, a consumer fleet wired to the
// sandbox, and a reader counting committed results.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { eventKey, type LifecycleEvent } from '@zendesk-lifecycle/core';
import { ConsumerFleet } from '@zendesk-lifecycle/chaos';
import { runTopics, type KafkaCluster } from '@zendesk-lifecycle/kafka';
import type { RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';

/** A run's own topics, a consumer fleet wired to the sandbox, and a reader counting committed results. */
export async function consumerRun(
  cluster: KafkaCluster,
  sandbox: RunningSandbox,
  name: string,
  events: LifecycleEvent[],
  extraEnv: Record<string, string> = {},
  policy: Record<string, unknown> = {},
) {
  const kafka = new Kafka({ clientId: 'bench', brokers: cluster.brokers, logLevel: logLevel.NOTHING });
  const run = `bench-${name}-${Date.now().toString(36)}`;
  const topics = runTopics(run);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 6 })),
  });
  await admin.disconnect();
  const logDir = mkdtempSync(join(tmpdir(), `${run}-`));
  const policyFile = join(logDir, 'policy.json');
  writeFileSync(
    policyFile,
    JSON.stringify({ blast_radius: { max_weight: 1_000_000_000, window_seconds: 3600 }, ...policy }),
  );
  const fleet = new ConsumerFleet(
    {
      KAFKA_BROKERS: cluster.bootstrap,
      ...topics,
      KAFKA_GROUP_ID: `${run}-group`,
      ZENDESK_BASE_URL: sandbox.url,
      ZENDESK_EMAIL: sandbox.credentials.email,
      ZENDESK_API_TOKEN: sandbox.credentials.token,
      LOG_LEVEL: 'warn',
      POLICY_FILE: policyFile,
      CONSUMER_CONCURRENCY: '6',
      ...extraEnv,
    },
    logDir,
  );
  const results: number[] = [];
  const reader = kafka.consumer({ groupId: `${run}-reader`, maxWaitTimeInMs: 100 });
  return {
    fleet,
    /** Results arrived so far. */
    arrived: () => results.length,
    /** Publishes the events and resolves with the arrival time of every result, once all have arrived. */
    async publishAndWait(timeoutMs: number): Promise<number[]> {
      await reader.connect();
      await reader.subscribe({ topic: topics.TOPIC_RESULTS, fromBeginning: true });
      await reader.run({ eachMessage: async () => void results.push(Date.now()) });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic: topics.TOPIC_EVENTS,
        messages: events.map((e) => ({ key: eventKey(e), value: JSON.stringify(e) })),
      });
      await producer.disconnect();
      const deadline = Date.now() + timeoutMs;
      while (results.length < events.length) {
        if (Date.now() > deadline)
          throw new Error(`${name}: ${results.length} of ${events.length} results; logs in ${logDir}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return results;
    },
    async stop(): Promise<void> {
      await reader.disconnect();
      await fleet.stopAll();
    },
  };
}
