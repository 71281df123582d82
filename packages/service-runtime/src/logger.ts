// One pino logger per process: JSON lines, secrets redacted by path (one list for both services), pretty only
// when a person is watching (a terminal, and not CI).
import pino, { type Logger } from 'pino';

export const REDACTED_PATHS = [
  '*.authorization',
  '*.Authorization',
  '*.headers.authorization',
  '*.token',
  '*.apiToken',
  '*.api_token',
  '*.oauthToken',
  '*.oauthClientSecret',
  '*.oauthRefreshToken',
  '*.client_secret',
  '*.access_token',
  '*.refresh_token',
  '*.password',
  '*.secret',
  '*.sasl',
  'config.zendesk.token',
  'config.zendesk.apiToken',
  'config.zendesk.oauthToken',
  'config.zendesk.oauthClientSecret',
  'config.zendesk.oauthRefreshToken',
  'config.kafka.sasl',
];

/** The process's base logger; `name` says which service wrote a line. */
export function createLogger(options: { name?: string; level?: string; pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? (process.stdout.isTTY === true && !process.env.CI);
  return pino({
    name: options.name ?? 'zendesk-lifecycle',
    level: options.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } }
      : {}),
  });
}

export type { Logger };
