// The producer's configuration, read once per command from the environment (names: interfaces.md).
// Every wrong variable is reported at once, one line each, before anything connects.
import { z } from 'zod';
import { envInteger, envString, parseConfig, type Env } from '@zendesk-lifecycle/core';
import {
  envLogLevel,
  kafkaSettingsFromEnv,
  readConfigParts,
  type KafkaSettings,
} from '@zendesk-lifecycle/service-runtime';

const optionalSecret = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

const producerEnvSchema = z.object({
  LOG_LEVEL: envLogLevel(),
  POLICY_FILE: z.string().optional(),
  INGEST_PORT: envInteger(8080, 0, 65_535),
  INGEST_HOST: envString('0.0.0.0'),
  INGEST_TOKEN: optionalSecret,
  INGEST_HMAC_SECRET: optionalSecret,
  INGEST_MAX_BODY_BYTES: envInteger(1024 * 1024, 1024, 64 * 1024 * 1024),
  INGEST_HEADERS_TIMEOUT_SECONDS: envInteger(10, 1, 300),
  INGEST_BODY_TIMEOUT_SECONDS: envInteger(10, 1, 300),
  INGEST_MAX_CONNECTIONS: envInteger(256, 1, 65_535),
});

export interface ProducerSettings {
  logLevel: string;
  policyFile: string | undefined;
  ingest: {
    port: number;
    host: string;
    token: string | undefined;
    hmacSecret: string | undefined;
    /** The endpoint's limits (see the README's table). */
    limits: {
      maxBodyBytes: number;
      headersTimeoutSeconds: number;
      bodyTimeoutSeconds: number;
      maxConnections: number;
    };
  };
}

/** The producer's own settings (commands that publish nothing need no Kafka); throws ConfigError. */
export function producerSettingsFromEnv(env: Env): ProducerSettings {
  const own = parseConfig(producerEnvSchema, env);
  return {
    logLevel: own.LOG_LEVEL,
    policyFile: own.POLICY_FILE,
    ingest: {
      port: own.INGEST_PORT,
      host: own.INGEST_HOST,
      token: own.INGEST_TOKEN,
      hmacSecret: own.INGEST_HMAC_SECRET,
      limits: {
        maxBodyBytes: own.INGEST_MAX_BODY_BYTES,
        headersTimeoutSeconds: own.INGEST_HEADERS_TIMEOUT_SECONDS,
        bodyTimeoutSeconds: own.INGEST_BODY_TIMEOUT_SECONDS,
        maxConnections: own.INGEST_MAX_CONNECTIONS,
      },
    },
  };
}

/** The producer's own settings plus Kafka's, for commands that publish; ConfigError names every wrong variable. */
export function publishingSettingsFromEnv(env: Env): ProducerSettings & { kafka: KafkaSettings } {
  const { own, kafka } = readConfigParts({
    kafka: () => kafkaSettingsFromEnv(env),
    own: () => producerSettingsFromEnv(env),
  });
  return { ...own, kafka };
}
