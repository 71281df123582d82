import { describe, expect, it } from 'vitest';
import { assertJava, javaMajorVersion } from './artifacts.js';

describe('prerequisites', () => {
  it('finds Java 17 or newer on this machine', () => {
    expect(javaMajorVersion()).toBeGreaterThanOrEqual(17);
  });

  it('says how to go on when Java is missing', () => {
    expect(() => assertJava({ JAVA_HOME: '/nonexistent-java-home' })).toThrow(
      /install Java 17 or set KAFKA_BROKERS=host:port/,
    );
  });
});
