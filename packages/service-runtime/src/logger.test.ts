// The one redaction list: secrets never reach a log line, whatever object carries them.
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED_PATHS } from './logger.js';

/** A logger with the service's redaction, writing into a string instead of stdout. */
function capture(): { logger: pino.Logger; lines: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
  return { logger, lines: () => text };
}

describe('the service logger', () => {
  it('redacts tokens, secrets and Authorization headers wherever they sit', () => {
    const { logger, lines } = capture();
    logger.info({ request: { headers: { authorization: 'Bearer abc123' } } }, 'call');
    logger.info(
      { zendesk: { oauthClientSecret: 's3cret', apiToken: 'tok3n', email: 'bot@acme.test' } },
      'cfg',
    );
    logger.info({ config: { kafka: { sasl: { password: 'kafka-pass' } } } }, 'kafka');
    const text = lines();
    for (const secret of ['abc123', 's3cret', 'tok3n', 'kafka-pass']) expect(text).not.toContain(secret);
    expect(text).toContain('bot@acme.test');
    expect(text).toContain('[redacted]');
  });

  it('names the service and honours the level', () => {
    const logger = createLogger({ name: 'zendesk-lifecycle-producer', level: 'warn', pretty: false });
    expect(logger.bindings()).toMatchObject({ name: 'zendesk-lifecycle-producer' });
    expect(logger.isLevelEnabled('info')).toBe(false);
    expect(logger.isLevelEnabled('warn')).toBe(true);
  });
});
