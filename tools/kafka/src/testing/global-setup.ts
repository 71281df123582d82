// Vitest global setup: one broker per test run, or the cluster named by KAFKA_BROKERS (then nothing starts).
// Workers inherit KAFKA_BROKERS from the environment set here. The broker stops even when tests fail.
import { startCluster, type KafkaCluster } from '../broker.js';

export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.KAFKA_BROKERS) return async () => undefined;
  const cluster: KafkaCluster = await startCluster({
    log: (line) => process.stderr.write(`[kafka] ${line}\n`),
  });
  process.env.KAFKA_BROKERS = cluster.bootstrap;
  process.stderr.write(
    `[kafka] local Apache Kafka ${cluster.version} for this test run at ${cluster.bootstrap}\n`,
  );
  return async () => {
    await cluster.stop();
  };
}
