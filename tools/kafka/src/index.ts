// Public entry of @zendesk-lifecycle/kafka: a real local Apache Kafka broker from Maven Central artifacts.
export {
  startCluster,
  waitForMetadata,
  type KafkaCluster,
  type KafkaNode,
  type StartClusterOptions,
} from './broker.js';
export { artifactsReady, assertJava, ensureArtifacts, javaMajorVersion } from './artifacts.js';
export { KafkaToolError } from './errors.js';
export { DEFAULT_KAFKA_VERSION, kafkaVersion } from './paths.js';
export { readDaemon, startDaemon, stopDaemon, type DaemonInfo } from './daemon.js';
export { createTopics, runTopics, testBrokers, testKafka, uniqueName } from './testing/kafka-for-tests.js';
export { freePort } from './ports.js';
export {
  CONSUMER_ENTRY,
  startConsumerProcess,
  startServiceProcess,
  type ServiceProcess,
  type ServiceProcessOptions,
} from './testing/service-process.js';
export { processTree, stillRunning, type ProcessInfo } from './testing/process-tree.js';
export {
  consumerEnvironment,
  UNLIMITED_BLAST_RADIUS_POLICY,
  type ConsumerEnvironment,
  type ConsumerEnvironmentOptions,
  type ZendeskAccountAccess,
} from './testing/consumer-environment.js';
export { ConsumerFleet, type ConsumerFleetOptions } from './testing/consumer-fleet.js';
