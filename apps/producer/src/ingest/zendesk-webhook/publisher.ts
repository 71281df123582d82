// Publishing Zendesk's user events to the user-events topic (settings.topics.userEvents): the body Zendesk posted,
// unchanged, keyed by the Zendesk user id (decimal string), with the header `zendesk-event-id`; acks from all
// in-sync replicas before the webhook is answered.
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { ZendeskUserEvent } from '@zendesk-lifecycle/core';
import type { KafkaSettings } from '@zendesk-lifecycle/service-runtime';

/** The record header naming Zendesk's event id (what the consumer side deduplicates on). */
export const ZENDESK_EVENT_ID_HEADER = 'zendesk-event-id';

export interface UserEventsPublisher {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Sends one event (its raw body as the value); resolves once Kafka acknowledged it. */
  publish(event: ZendeskUserEvent, rawBody: Buffer): Promise<{ topic: string; key: string }>;
}

export function createUserEventsPublisher(settings: KafkaSettings, kafka: Kafka): UserEventsPublisher {
  let producer: Producer | undefined;
  const topic = settings.topics.userEvents;
  return {
    async start() {
      producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
    },
    async stop() {
      await producer?.disconnect();
      producer = undefined;
    },
    async publish(event, rawBody) {
      if (!producer) throw new Error('the user-events publisher is not started');
      const key = event.detail.id;
      await producer.send({
        topic,
        acks: -1,
        messages: [
          {
            key,
            value: rawBody,
            headers: { [ZENDESK_EVENT_ID_HEADER]: event.id, 'content-type': 'application/json' },
          },
        ],
      });
      return { topic, key };
    },
  };
}
