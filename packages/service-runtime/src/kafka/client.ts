// Builds kafkajs clients from the Kafka settings, with kafkajs's own logs routed into the service's pino logger.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Kafka, logLevel, type logCreator } from 'kafkajs';
import type { Logger } from '../logger.js';
import type { KafkaSettings } from './settings.js';

function pinoLogCreator(logger: Logger): logCreator {
  const child = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log }) => {
      const { message, ...extra } = log;
      if (level === logLevel.ERROR) child.error(extra, message);
      else if (level === logLevel.WARN) child.warn(extra, message);
      else if (level === logLevel.INFO) child.debug(extra, message);
      else child.trace(extra, message);
    };
}

/** kafkajs's `ssl`: false, true (the system's CAs), or the configured CA and client certificate read from their files. */
export function tlsOptions(settings: KafkaSettings): boolean | ConnectionOptions {
  const { ca, cert, key } = settings.tlsFiles;
  if (!settings.ssl) return false;
  if (!ca && !cert) return true;
  return {
    ...(ca ? { ca: [readFileSync(ca, 'utf8')] } : {}),
    ...(cert && key ? { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') } : {}),
  };
}

/**
 * A kafkajs client for `settings`. With a `logger`, kafkajs's own logs go to it (component kafkajs), quiet below
 * warnings; without one (a library caller), kafkajs prints its errors only.
 */
export function createKafka(settings: KafkaSettings, logger?: Logger, clientId = settings.clientId): Kafka {
  return new Kafka({
    clientId,
    brokers: settings.brokers,
    ssl: tlsOptions(settings),
    ...(settings.sasl ? { sasl: settings.sasl as never } : {}),
    ...(logger
      ? { logLevel: kafkaLogLevel(logger), logCreator: pinoLogCreator(logger) }
      : { logLevel: logLevel.ERROR }),
    retry: { initialRetryTime: 300 },
  });
}

/** kafkajs's own chatter only when asked for: its info at LOG_LEVEL=debug, every request at LOG_LEVEL=trace. */
function kafkaLogLevel(logger: Logger): logLevel {
  if (logger.isLevelEnabled('trace')) return logLevel.DEBUG;
  if (logger.isLevelEnabled('debug')) return logLevel.INFO;
  return logLevel.WARN;
}
