// Starts the closed loop beside the consumer service (main.ts), unless CONFIRM_ENABLED=false.
import type { Kafka } from 'kafkajs';
import type { AuditPort, Env, Policy, ZendeskPort } from '@zendesk-lifecycle/core';
import type { Logger } from '@zendesk-lifecycle/service-runtime';
import type { ConsumerSettings } from '../config.js';
import type { ConsumerMetrics } from '../ops/metrics.js';
import { confirmSettingsFromEnv } from './config.js';
import { Confirmer } from './confirmer.js';
import { ConfirmMetrics } from './metrics.js';

export async function startConfirmer(parts: {
  env: Env;
  kafka: Kafka;
  settings: ConsumerSettings;
  policy: Policy;
  zendesk: Pick<ZendeskPort, 'findUser'>;
  audit: AuditPort;
  logger: Logger;
  metrics: ConsumerMetrics;
}): Promise<Confirmer | null> {
  const confirm = confirmSettingsFromEnv(parts.env, parts.settings.kafka.topics.results);
  if (!confirm.enabled) {
    parts.logger.info('closed loop off (CONFIRM_ENABLED=false): steps are not confirmed against Zendesk');
    return null;
  }
  const confirmer = new Confirmer({
    kafka: parts.kafka,
    settings: parts.settings.kafka,
    confirm,
    policy: parts.policy,
    zendesk: parts.zendesk,
    audit: parts.audit,
    logger: parts.logger,
    metrics: new ConfirmMetrics(parts.metrics.registry),
    source: `zendesk-lifecycle/consumer/${parts.settings.instanceId}`,
  });
  try {
    await confirmer.start();
  } catch (error) {
    // The pipeline goes on without the loop (a missing topic where topics are not created, a broker refusing).
    parts.logger.error({ err: error }, 'ALERT: the closed loop could not start: steps are not confirmed');
    await confirmer.stop().catch(() => undefined);
    return null;
  }
  parts.logger.info(
    { topic: confirm.topic, user_events: parts.settings.kafka.topics.userEvents },
    'closed loop started: steps are confirmed against Zendesk user events',
  );
  return confirmer;
}
