// The consumer's configuration, read once at start from the environment (names: interfaces.md).
// Every wrong variable is reported at once, one line each, before anything connects.
import { hostname } from 'node:os';
import { z } from 'zod';
import { envBoolean, envInteger, envString, parseConfig, type Env } from '@zendesk-lifecycle/core';
import {
  envLogLevel,
  kafkaSettingsFromEnv,
  readConfigParts,
  type KafkaSettings,
} from '@zendesk-lifecycle/service-runtime';

const consumerEnvSchema = z.object({
  DRY_RUN: envBoolean(false),
  ALLOW_IRREVERSIBLE: envBoolean(false),
  POLICY_FILE: z.string().optional(),
  OPS_PORT: envInteger(9464, 0, 65_535),
  OPS_HOST: envString('127.0.0.1'),
  LOG_LEVEL: envLogLevel(),
  CONSUMER_CONCURRENCY: envInteger(4, 1, 64),
  CONSUMER_INPLACE_ATTEMPTS: envInteger(3, 1, 20),
  CONSUMER_MAX_ATTEMPTS: envInteger(6, 1, 100),
  CONSUMER_RETRY_DELAY_MS: envInteger(60_000, 0, 86_400_000),
  CONSUMER_BACKOFF_INITIAL_MS: envInteger(1_000, 1, 600_000),
  CONSUMER_BACKOFF_MAX_MS: envInteger(30_000, 1, 3_600_000),
  CONSUMER_INSTANCE_ID: envString(`${hostname()}-${process.pid}`),
  KAFKA_SESSION_TIMEOUT_MS: envInteger(30_000, 1_000, 3_600_000),
  KAFKA_HEARTBEAT_INTERVAL_MS: envInteger(3_000, 100, 600_000),
  KAFKA_REBALANCE_TIMEOUT_MS: envInteger(300_000, 1_000, 3_600_000),
  EVENT_MAX_BYTES: envInteger(256 * 1024, 1024, 16 * 1024 * 1024),
});

export interface ConsumerSettings {
  kafka: KafkaSettings;
  dryRun: boolean;
  allowIrreversible: boolean;
  policyFile: string | undefined;
  opsPort: number;
  /** The address the ops endpoint binds to: loopback by default, 0.0.0.0 in containers (the Dockerfile sets it). */
  opsHost: string;
  logLevel: string;
  concurrency: number;
  inPlaceAttempts: number;
  maxAttempts: number;
  retryDelayMs: number;
  backoff: { initialMs: number; maxMs: number };
  instanceId: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  eventMaxBytes: number;
}

/** The consumer's own settings plus Kafka's; throws ConfigError naming every wrong variable. */
export function consumerSettingsFromEnv(env: Env): ConsumerSettings {
  const { kafka, own } = readConfigParts({
    kafka: () => kafkaSettingsFromEnv(env),
    own: () => parseConfig(consumerEnvSchema, env),
  });
  return {
    kafka,
    dryRun: own.DRY_RUN,
    allowIrreversible: own.ALLOW_IRREVERSIBLE,
    policyFile: own.POLICY_FILE,
    opsPort: own.OPS_PORT,
    opsHost: own.OPS_HOST,
    logLevel: own.LOG_LEVEL,
    concurrency: own.CONSUMER_CONCURRENCY,
    inPlaceAttempts: own.CONSUMER_INPLACE_ATTEMPTS,
    maxAttempts: own.CONSUMER_MAX_ATTEMPTS,
    retryDelayMs: own.CONSUMER_RETRY_DELAY_MS,
    backoff: { initialMs: own.CONSUMER_BACKOFF_INITIAL_MS, maxMs: own.CONSUMER_BACKOFF_MAX_MS },
    instanceId: own.CONSUMER_INSTANCE_ID,
    sessionTimeoutMs: own.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: own.KAFKA_HEARTBEAT_INTERVAL_MS,
    rebalanceTimeoutMs: own.KAFKA_REBALANCE_TIMEOUT_MS,
    eventMaxBytes: own.EVENT_MAX_BYTES,
  };
}
