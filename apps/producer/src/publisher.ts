// Publishing lifecycle events: validated with core's schemas before anything is sent, structured CloudEvents,
// keyed by the subject user so that one user's events stay in order, over an idempotent producer.
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { createLifecycleEvent, eventKey, type LifecycleEvent, type NewEvent } from '@zendesk-lifecycle/core';
import { createKafka, type KafkaSettings } from '@zendesk-lifecycle/service-runtime';

export interface Publisher {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Sends already-validated events; resolves once Kafka acknowledged them all (acks = all). */
  publish(events: LifecycleEvent[]): Promise<Array<{ id: string; key: string }>>;
}

export function createPublisher(settings: KafkaSettings, kafka: Kafka = createKafka(settings)): Publisher {
  let producer: Producer | undefined;
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
    async publish(events) {
      if (!producer) throw new Error('the publisher is not started');
      const messages = events.map((event) => ({
        key: eventKey(event),
        value: JSON.stringify(event),
        headers: { 'content-type': 'application/cloudevents+json' },
      }));
      await producer.send({ topic: settings.topics.events, acks: -1, messages });
      return events.map((event, i) => ({ id: event.id, key: messages[i]!.key }));
    },
  };
}

/** Builds, validates and publishes one lifecycle event; throws with the field-level reason when invalid. */
export async function publishLifecycleEvent(publisher: Publisher, input: NewEvent): Promise<LifecycleEvent> {
  const event = createLifecycleEvent(input);
  await publisher.publish([event]);
  return event;
}
