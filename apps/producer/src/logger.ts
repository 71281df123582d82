// One pino logger per process: JSON lines, secrets redacted by path, pretty only when a person is watching.
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

export function createLogger(options: { level?: string; pretty?: boolean; name?: string } = {}): Logger {
  const pretty = options.pretty ?? (process.stdout.isTTY === true && !process.env.CI);
  return pino({
    name: options.name ?? 'zendesk-lifecycle-producer',
    level: options.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } }
      : {}),
  });
}

export type { Logger };
