// Reading a configuration in parts: all problems at once, other errors untouched.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@zendesk-lifecycle/core';
import { kafkaSettingsFromEnv } from './kafka/settings.js';
import { readConfigParts } from './config-parts.js';

describe('readConfigParts', () => {
  it('returns every part by name', () => {
    const { kafka, own } = readConfigParts({
      kafka: () => kafkaSettingsFromEnv({ KAFKA_BROKERS: 'b:9092' }),
      own: () => 42,
    });
    expect(kafka.brokers).toEqual(['b:9092']);
    expect(own).toBe(42);
  });

  it('reports the problems of every part in one error', () => {
    let error: unknown;
    try {
      readConfigParts({
        kafka: () => kafkaSettingsFromEnv({}),
        own: () => {
          throw new ConfigError(['OPS_PORT: expected a whole number']);
        },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^KAFKA_BROKERS: /),
      'OPS_PORT: expected a whole number',
    ]);
  });

  it('lets other errors through unchanged', () => {
    const bug = new TypeError('not a config problem');
    expect(() =>
      readConfigParts({
        own: () => {
          throw bug;
        },
      }),
    ).toThrow(bug);
  });
});
