// Builds kafkajs clients from core's KafkaSettings, with kafkajs's own logs routed into pino.
import { Kafka, logLevel, type logCreator } from 'kafkajs';
import type { KafkaSettings } from '@zendesk-lifecycle/core';
import type { Logger } from '../logger.js';

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

export function createKafka(settings: KafkaSettings, logger: Logger, clientId = settings.clientId): Kafka {
  return new Kafka({
    clientId,
    brokers: settings.brokers,
    ssl: settings.ssl,
    ...(settings.sasl ? { sasl: settings.sasl as never } : {}),
    // kafkajs's own chatter only when asked for: its info at LOG_LEVEL=debug, every request at LOG_LEVEL=trace.
    logLevel: logger.isLevelEnabled('trace')
      ? logLevel.DEBUG
      : logger.isLevelEnabled('debug')
        ? logLevel.INFO
        : logLevel.WARN,
    logCreator: pinoLogCreator(logger),
    retry: { initialRetryTime: 300 },
  });
}
