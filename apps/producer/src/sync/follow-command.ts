// `sync --follow`: after the full sync, keeps the snapshots current from Zendesk's user events until SIGTERM/SIGINT.
import type { Kafka } from 'kafkajs';
import {
  createLogger,
  ensureTopics,
  untilStopSignal,
  type KafkaSettings,
} from '@zendesk-lifecycle/service-runtime';
import type { ZendeskClient } from '@zendesk-lifecycle/zendesk-client';
import { AccountFollower } from './follow.js';

export async function followAccounts(
  zendesk: ZendeskClient,
  kafka: Kafka,
  settings: KafkaSettings,
): Promise<void> {
  await ensureTopics(kafka, settings, ['userEvents']);
  const logger = createLogger({ name: 'zendesk-lifecycle-sync', level: 'info' });
  const follower = new AccountFollower({ zendesk, kafka, settings, logger });
  await follower.start();
  process.stderr.write(
    `following ${settings.topics.userEvents}: snapshots updated as Zendesk reports changes\n`,
  );
  await untilStopSignal();
  await follower.stop();
  process.stderr.write(`${follower.updates} account snapshots updated from Zendesk user events\n`);
}
