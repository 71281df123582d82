// Kafka settings from the environment, shared by the consumer and the producer (names: interfaces.md).
// It turns an env object into plain values; createKafka builds the kafkajs clients from them.
import { z } from 'zod';
import { envBoolean, envInteger, envString, parseConfig, type Env } from '@zendesk-lifecycle/core';

export const TOPIC_DEFAULTS = {
  events: 'lifecycle.events',
  results: 'lifecycle.results',
  dlq: 'lifecycle.dlq',
  retry: 'lifecycle.retry',
  accounts: 'zendesk.accounts',
} as const;

const saslMechanisms = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

const kafkaEnvSchema = z
  .object({
    KAFKA_BROKERS: z
      .string({ message: 'is required (comma-separated host:port list)' })
      .transform((value) =>
        value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .refine((list) => list.length > 0 && list.every((b) => /^[^\s:]+:\d{1,5}$/.test(b)), {
        message: 'expected host:port[,host:port...]',
      }),
    KAFKA_CLIENT_ID: envString('zendesk-lifecycle'),
    KAFKA_GROUP_ID: envString('zendesk-lifecycle-consumer'),
    KAFKA_SSL: envBoolean(false),
    KAFKA_SASL_MECHANISM: z
      .string()
      .optional()
      .transform((v) => (v ? v.trim().toLowerCase() : undefined))
      .pipe(z.enum(saslMechanisms).optional()),
    KAFKA_SASL_USERNAME: z.string().optional(),
    KAFKA_SASL_PASSWORD: z.string().optional(),
    TOPIC_EVENTS: envString(TOPIC_DEFAULTS.events),
    TOPIC_RESULTS: envString(TOPIC_DEFAULTS.results),
    TOPIC_DLQ: envString(TOPIC_DEFAULTS.dlq),
    TOPIC_RETRY: envString(TOPIC_DEFAULTS.retry),
    TOPIC_ACCOUNTS: envString(TOPIC_DEFAULTS.accounts),
    KAFKA_CREATE_TOPICS: envBoolean(true),
    KAFKA_TOPIC_PARTITIONS: envInteger(6, 1, 10_000),
    KAFKA_REPLICATION_FACTOR: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.KAFKA_SASL_MECHANISM && (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: ['KAFKA_SASL_USERNAME'],
        message: 'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with KAFKA_SASL_MECHANISM',
      });
    }
  });

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  groupId: string;
  ssl: boolean;
  sasl: { mechanism: (typeof saslMechanisms)[number]; username: string; password: string } | null;
  topics: { events: string; results: string; dlq: string; retry: string; accounts: string };
  createTopics: boolean;
  partitions: number;
  replicationFactor: number;
}

function isLoopback(broker: string): boolean {
  const host = broker.slice(0, broker.lastIndexOf(':'));
  return host === 'localhost' || host.startsWith('127.') || host === '[::1]';
}

/** Reads the Kafka settings; throws ConfigError listing every wrong variable. */
export function kafkaSettingsFromEnv(env: Env): KafkaSettings {
  const parsed = parseConfig(kafkaEnvSchema, env);
  const local = parsed.KAFKA_BROKERS.every(isLoopback);
  const replication = parseConfig(
    z.object({ KAFKA_REPLICATION_FACTOR: envInteger(local ? 1 : 3, 1, 32) }),
    env,
  ).KAFKA_REPLICATION_FACTOR;
  return {
    brokers: parsed.KAFKA_BROKERS,
    clientId: parsed.KAFKA_CLIENT_ID,
    groupId: parsed.KAFKA_GROUP_ID,
    ssl: parsed.KAFKA_SSL,
    sasl: parsed.KAFKA_SASL_MECHANISM
      ? {
          mechanism: parsed.KAFKA_SASL_MECHANISM,
          username: parsed.KAFKA_SASL_USERNAME ?? '',
          password: parsed.KAFKA_SASL_PASSWORD ?? '',
        }
      : null,
    topics: {
      events: parsed.TOPIC_EVENTS,
      results: parsed.TOPIC_RESULTS,
      dlq: parsed.TOPIC_DLQ,
      retry: parsed.TOPIC_RETRY,
      accounts: parsed.TOPIC_ACCOUNTS,
    },
    createTopics: parsed.KAFKA_CREATE_TOPICS,
    partitions: parsed.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: replication,
  };
}
