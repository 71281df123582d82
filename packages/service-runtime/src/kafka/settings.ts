// Kafka settings from the environment, shared by the consumer and the producer (names: interfaces.md).
// It turns an env object into plain values; createKafka builds the kafkajs clients from them.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { envBoolean, envInteger, envString, parseConfig, type Env } from '@zendesk-lifecycle/core';

export const TOPIC_DEFAULTS = {
  events: 'lifecycle.events',
  results: 'lifecycle.results',
  dlq: 'lifecycle.dlq',
  retry: 'lifecycle.retry',
  accounts: 'zendesk.accounts',
  scheduled: 'lifecycle.scheduled',
  brake: 'lifecycle.brake',
  userEvents: 'zendesk.user-events',
} as const;

const saslMechanisms = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

const DAY_MS = 86_400_000;
/** Retention per topic when this service creates it; results and dead letters hold personal data. */
export const RETENTION_DEFAULTS_MS = {
  events: 7 * DAY_MS,
  retry: 7 * DAY_MS,
  results: 30 * DAY_MS,
  dlq: 14 * DAY_MS,
  userEvents: 30 * DAY_MS,
} as const;

/** A PEM file path, checked at start-up: readable and PEM-shaped. Its content is read again by createKafka. */
const pemFile = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const path = value?.trim();
    if (!path) return undefined;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `cannot read "${path}": ${(error as NodeJS.ErrnoException).code}`,
      });
      return z.NEVER;
    }
    if (!text.includes('-----BEGIN ')) {
      ctx.addIssue({ code: 'custom', message: `"${path}" is not a PEM file` });
      return z.NEVER;
    }
    return path;
  });

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
    KAFKA_SSL_CA_FILE: pemFile,
    KAFKA_SSL_CERT_FILE: pemFile,
    KAFKA_SSL_KEY_FILE: pemFile,
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
    TOPIC_SCHEDULED: envString(TOPIC_DEFAULTS.scheduled),
    TOPIC_BRAKE: envString(TOPIC_DEFAULTS.brake),
    TOPIC_ZENDESK_USER_EVENTS: envString(TOPIC_DEFAULTS.userEvents),
    KAFKA_CREATE_TOPICS: envBoolean(true),
    KAFKA_TOPIC_PARTITIONS: envInteger(6, 1, 10_000),
    KAFKA_REPLICATION_FACTOR: z.string().optional(),
    KAFKA_RETENTION_EVENTS_MS: envInteger(RETENTION_DEFAULTS_MS.events, 60_000),
    KAFKA_RETENTION_RETRY_MS: envInteger(RETENTION_DEFAULTS_MS.retry, 60_000),
    KAFKA_RETENTION_RESULTS_MS: envInteger(RETENTION_DEFAULTS_MS.results, 60_000),
    KAFKA_RETENTION_DLQ_MS: envInteger(RETENTION_DEFAULTS_MS.dlq, 60_000),
    KAFKA_RETENTION_USER_EVENTS_MS: envInteger(RETENTION_DEFAULTS_MS.userEvents, 60_000),
  })
  .superRefine((env, ctx) => {
    const tls =
      env.KAFKA_SSL || Boolean(env.KAFKA_SSL_CA_FILE || env.KAFKA_SSL_CERT_FILE || env.KAFKA_SSL_KEY_FILE);
    if (env.KAFKA_SASL_MECHANISM === 'plain' && !tls) {
      ctx.addIssue({
        code: 'custom',
        path: ['KAFKA_SASL_MECHANISM'],
        message: 'plain sends the password in clear text: set KAFKA_SSL=true (or a KAFKA_SSL_*_FILE)',
      });
    }
    if (Boolean(env.KAFKA_SSL_CERT_FILE) !== Boolean(env.KAFKA_SSL_KEY_FILE)) {
      ctx.addIssue({
        code: 'custom',
        path: ['KAFKA_SSL_CERT_FILE'],
        message: 'a client certificate needs both KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE',
      });
    }
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
  /** TLS to the brokers: on with KAFKA_SSL=true or any KAFKA_SSL_*_FILE. */
  ssl: boolean;
  /** PEM file paths (not their content, so that no key sits in a settings object): CA, client cert and key. */
  tlsFiles: { ca?: string; cert?: string; key?: string };
  sasl: { mechanism: (typeof saslMechanisms)[number]; username: string; password: string } | null;
  /**
   * `scheduled`: steps waiting for their time (effective dates, purges), compacted (apps/consumer/src/scheduling).
   * `brake`: the fleet's brake (compacted, one partition; apps/consumer/src/brake).
   * `userEvents`: Zendesk's own user events (signed webhooks), keyed by Zendesk user id, retained by time.
   */
  topics: {
    events: string;
    results: string;
    dlq: string;
    retry: string;
    accounts: string;
    scheduled: string;
    brake: string;
    userEvents: string;
  };
  createTopics: boolean;
  partitions: number;
  replicationFactor: number;
  /** retention.ms per topic this service creates (the accounts topic is compacted instead). */
  retentionMs: { events: number; retry: number; results: number; dlq: number; userEvents: number };
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
    ssl:
      parsed.KAFKA_SSL ||
      Boolean(parsed.KAFKA_SSL_CA_FILE || parsed.KAFKA_SSL_CERT_FILE || parsed.KAFKA_SSL_KEY_FILE),
    tlsFiles: {
      ...(parsed.KAFKA_SSL_CA_FILE ? { ca: parsed.KAFKA_SSL_CA_FILE } : {}),
      ...(parsed.KAFKA_SSL_CERT_FILE ? { cert: parsed.KAFKA_SSL_CERT_FILE } : {}),
      ...(parsed.KAFKA_SSL_KEY_FILE ? { key: parsed.KAFKA_SSL_KEY_FILE } : {}),
    },
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
      scheduled: parsed.TOPIC_SCHEDULED,
      brake: parsed.TOPIC_BRAKE,
      userEvents: parsed.TOPIC_ZENDESK_USER_EVENTS,
    },
    createTopics: parsed.KAFKA_CREATE_TOPICS,
    partitions: parsed.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: replication,
    retentionMs: {
      events: parsed.KAFKA_RETENTION_EVENTS_MS,
      retry: parsed.KAFKA_RETENTION_RETRY_MS,
      results: parsed.KAFKA_RETENTION_RESULTS_MS,
      dlq: parsed.KAFKA_RETENTION_DLQ_MS,
      userEvents: parsed.KAFKA_RETENTION_USER_EVENTS_MS,
    },
  };
}
