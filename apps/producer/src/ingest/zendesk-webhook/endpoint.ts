// Wiring for `serve`: when a signing secret is configured, the user-events topic is ensured, its publisher
// started, and POST /zendesk/webhook served; otherwise nothing (the endpoint is off).
import type { Kafka } from 'kafkajs';
import type { Env } from '@zendesk-lifecycle/core';
import { ensureTopics, type KafkaSettings, type Logger } from '@zendesk-lifecycle/service-runtime';
import { createUserEventsPublisher } from './publisher.js';
import { ZENDESK_WEBHOOK_PATH, zendeskWebhookRoute, type IngestRoute } from './route.js';
import { zendeskWebhookSettingsFromEnv } from './settings.js';

export interface ZendeskWebhookEndpoint {
  routes: Record<string, IngestRoute>;
  stop(): Promise<void>;
}

export async function zendeskWebhookEndpoint(
  env: Env,
  kafka: Kafka,
  settings: KafkaSettings,
  logger: Logger,
): Promise<ZendeskWebhookEndpoint | null> {
  const own = zendeskWebhookSettingsFromEnv(env);
  if (!own) return null;
  await ensureTopics(kafka, settings, ['userEvents']);
  const publisher = createUserEventsPublisher(settings, kafka);
  await publisher.start();
  logger.info(
    { path: ZENDESK_WEBHOOK_PATH, topic: settings.topics.userEvents, windowSeconds: own.windowSeconds },
    'Zendesk webhook endpoint on',
  );
  return {
    routes: { [ZENDESK_WEBHOOK_PATH]: zendeskWebhookRoute({ publisher, ...own, logger }) },
    stop: () => publisher.stop(),
  };
}
