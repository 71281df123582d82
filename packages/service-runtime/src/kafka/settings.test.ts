// Kafka settings from env strings: defaults, secured clusters (TLS files, SASL), and one error naming every fault.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@zendesk-lifecycle/core';
import { tlsOptions } from './client.js';
import { kafkaSettingsFromEnv } from './settings.js';

const dir = mkdtempSync(join(tmpdir(), 'kafka-tls-'));
const pem = (name: string, label: string) => {
  const path = join(dir, name);
  writeFileSync(path, `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`);
  return path;
};

describe('Kafka settings from the environment', () => {
  it('uses the documented defaults', () => {
    const settings = kafkaSettingsFromEnv({ KAFKA_BROKERS: '127.0.0.1:9092' });
    expect(settings).toMatchObject({
      brokers: ['127.0.0.1:9092'],
      clientId: 'zendesk-lifecycle',
      groupId: 'zendesk-lifecycle-consumer',
      ssl: false,
      tlsFiles: {},
      sasl: null,
      createTopics: true,
      partitions: 6,
      replicationFactor: 1,
      retentionMs: {
        events: 604_800_000,
        retry: 604_800_000,
        results: 2_592_000_000,
        dlq: 1_209_600_000,
        userEvents: 2_592_000_000,
      },
      topics: {
        events: 'lifecycle.events',
        results: 'lifecycle.results',
        dlq: 'lifecycle.dlq',
        retry: 'lifecycle.retry',
        accounts: 'zendesk.accounts',
        scheduled: 'lifecycle.scheduled',
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

  it('refuses SASL PLAIN without TLS: the password would cross the network in clear text', () => {
    const env = { KAFKA_BROKERS: 'b:9093', KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'svc' };
    expect(() => kafkaSettingsFromEnv({ ...env, KAFKA_SASL_PASSWORD: 'pw' })).toThrow(
      /KAFKA_SASL_MECHANISM: plain sends the password in clear text/,
    );
    expect(
      kafkaSettingsFromEnv({ ...env, KAFKA_SASL_PASSWORD: 'pw', KAFKA_SSL: 'true' }).sasl?.mechanism,
    ).toBe('plain');
    // SCRAM never sends the password itself.
    expect(
      kafkaSettingsFromEnv({ ...env, KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_PASSWORD: 'pw' }).ssl,
    ).toBe(false);
  });

  it('reads the CA and client certificate files, and turns TLS on with them', () => {
    const files = {
      KAFKA_SSL_CA_FILE: pem('ca.pem', 'CERTIFICATE'),
      KAFKA_SSL_CERT_FILE: pem('client.pem', 'CERTIFICATE'),
      KAFKA_SSL_KEY_FILE: pem('client.key', 'PRIVATE KEY'),
    };
    const settings = kafkaSettingsFromEnv({ KAFKA_BROKERS: 'b:9093', ...files });
    expect(settings.ssl).toBe(true);
    expect(settings.tlsFiles).toEqual({
      ca: files.KAFKA_SSL_CA_FILE,
      cert: files.KAFKA_SSL_CERT_FILE,
      key: files.KAFKA_SSL_KEY_FILE,
    });
    expect(tlsOptions(settings)).toEqual({
      ca: ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'],
      cert: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
      key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
    });
    expect(tlsOptions(kafkaSettingsFromEnv({ KAFKA_BROKERS: 'b:9093', KAFKA_SSL: 'true' }))).toBe(true);
  });

  it('names a missing or non-PEM file and a certificate without its key', () => {
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    let error: unknown;
    try {
      kafkaSettingsFromEnv({
        KAFKA_BROKERS: 'b:9093',
        KAFKA_SSL_CA_FILE: join(dir, 'missing.pem'),
        KAFKA_SSL_CERT_FILE: notPem,
      });
    } catch (e) {
      error = e;
    }
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/KAFKA_SSL_CA_FILE: cannot read ".*missing.pem": ENOENT/);
    expect(problems).toMatch(/KAFKA_SSL_CERT_FILE: ".*not.pem" is not a PEM file/);
    expect(() =>
      kafkaSettingsFromEnv({ KAFKA_BROKERS: 'b:9093', KAFKA_SSL_CERT_FILE: pem('c.pem', 'CERTIFICATE') }),
    ).toThrow(/needs both KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE/);
  });

  it('requires credentials with a SASL mechanism', () => {
    expect(() =>
      kafkaSettingsFromEnv({ KAFKA_BROKERS: 'b:1', KAFKA_SASL_MECHANISM: 'scram-sha-256' }),
    ).toThrow(/KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required/);
  });
});
