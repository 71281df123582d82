import { describe, expect, it } from 'vitest';
import { ConfigError } from '@zendesk-lifecycle/core';
import { kafkaSettingsFromEnv } from './settings.js';

describe('Kafka settings from the environment', () => {
  it('uses the documented defaults', () => {
    const settings = kafkaSettingsFromEnv({ KAFKA_BROKERS: '127.0.0.1:9092' });
    expect(settings).toMatchObject({
      brokers: ['127.0.0.1:9092'],
      clientId: 'zendesk-lifecycle',
      groupId: 'zendesk-lifecycle-consumer',
      ssl: false,
      sasl: null,
      createTopics: true,
      partitions: 6,
      replicationFactor: 1,
      topics: {
        events: 'lifecycle.events',
        results: 'lifecycle.results',
        dlq: 'lifecycle.dlq',
        retry: 'lifecycle.retry',
        accounts: 'zendesk.accounts',
      },
    });
  });

  it('defaults to replication factor 3 on a remote cluster', () => {
    expect(kafkaSettingsFromEnv({ KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092' }).replicationFactor).toBe(3);
  });

  it('reads secured-cluster settings', () => {
    const settings = kafkaSettingsFromEnv({
      KAFKA_BROKERS: 'b:9093',
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 'secret',
    });
    expect(settings.ssl).toBe(true);
    expect(settings.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'svc', password: 'secret' });
  });

  it('names every wrong variable in one error', () => {
    let error: unknown;
    try {
      kafkaSettingsFromEnv({ KAFKA_BROKERS: 'nohost', KAFKA_SSL: 'maybe', KAFKA_TOPIC_PARTITIONS: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/KAFKA_BROKERS: expected host:port/);
    expect(problems).toMatch(/KAFKA_SSL: expected true or false, got "maybe"/);
    expect(problems).toMatch(/KAFKA_TOPIC_PARTITIONS: expected a whole number from 1/);
  });

  it('requires credentials with a SASL mechanism', () => {
    expect(() => kafkaSettingsFromEnv({ KAFKA_BROKERS: 'b:1', KAFKA_SASL_MECHANISM: 'plain' })).toThrow(
      /KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required/,
    );
  });
});
