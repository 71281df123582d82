// The scheduler: reads the scheduled-steps topic (its own consumer group, never committing, every assigned
// partition from its start) into an index, and hands every entry that is due, or cancelled by a newer re-hire
// marker, to the pipeline through the retry topic, together with the entry's tombstone, in one Kafka transaction.
// Kafka is the source of truth: the index is rebuilt on every start and rebalance; the tick only looks at it.
// Firing twice (a rebalance race) is harmless: the steps are idempotent and the audit trail recalls them by key.
import { randomUUID } from 'node:crypto';
import { Partitioners, type Consumer, type EachBatchPayload, type Kafka, type Producer } from 'kafkajs';
import { systemClock, type Clock } from '@zendesk-lifecycle/core';
import type { KafkaSettings, Logger } from '@zendesk-lifecycle/service-runtime';
import { retryHeaders } from '../delivery/headers.js';
import type { ConsumerMetrics } from '../ops/metrics.js';
import { decodeScheduledRecord } from './entries.js';
import { firingHeaders } from './firing.js';
import { ScheduleIndex, type Firing } from './schedule-index.js';

export interface SchedulerOptions {
  kafka: Kafka;
  settings: KafkaSettings;
  logger: Logger;
  /** Decides what is due (tests move it forward instead of waiting). */
  clock?: Clock;
  /** How often the index is looked at (default 5 s). */
  tickMs?: number;
  transactionalIdPrefix: string;
  metrics?: ConsumerMetrics;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
}

export class Scheduler {
  readonly index = new ScheduleIndex();
  private readonly consumer: Consumer;
  private readonly producers = new Map<number, Promise<Producer>>();
  private syncProducer: Producer | undefined;
  private readonly syncKeys = new Map<number, string>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private readonly clock: Clock;
  private readonly topic: string;
  private readonly groupId: string;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? systemClock;
    this.topic = options.settings.topics.scheduled;
    this.groupId = `${options.settings.groupId}.scheduler`;
    this.consumer = options.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      readUncommitted: false,
      maxWaitTimeInMs: 500,
      ...(options.sessionTimeoutMs ? { sessionTimeout: options.sessionTimeoutMs } : {}),
      ...(options.heartbeatIntervalMs ? { heartbeatInterval: options.heartbeatIntervalMs } : {}),
    });
  }

  async start(): Promise<void> {
    this.syncProducer = this.options.kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.syncProducer.connect();
    await this.consumer.connect();
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      const partitions = event.payload.memberAssignment[this.topic] ?? [];
      this.index.assign(partitions);
      void this.sync(partitions);
    });
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachBatch: (payload) => this.onBatch(payload) });
    this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? 5000);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
    await this.consumer.disconnect();
    await this.syncProducer?.disconnect();
    const all = [...this.producers.values()];
    this.producers.clear();
    await Promise.allSettled(all.map(async (p) => (await p).disconnect()));
  }

  /**
   * A partition is read to its end once this instance reads back a record it wrote after the assignment: every
   * record committed before it has been applied. Only then do its entries fire (a marker further on may cancel).
   */
  private async sync(partitions: number[]): Promise<void> {
    const key = `sync:${randomUUID()}`;
    for (const p of partitions) this.syncKeys.set(p, key);
    try {
      await this.syncProducer?.send({
        topic: this.topic,
        messages: partitions.map((partition) => ({ key, value: null, partition })),
      });
    } catch (error) {
      this.options.logger.warn({ err: error }, 'scheduler: could not mark the end of its partitions');
    }
  }

  private async onBatch({ batch, isRunning, isStale, resolveOffset, heartbeat }: EachBatchPayload) {
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) return;
      const key = message.key?.toString() ?? null;
      if (key !== null && key === this.syncKeys.get(batch.partition)) {
        this.syncKeys.delete(batch.partition);
        this.index.markCaughtUp(batch.partition);
      }
      const record = decodeScheduledRecord(key, message.value?.toString() ?? null);
      if (record.kind === 'invalid')
        this.options.logger.warn(
          { key, offset: message.offset, error: record.error },
          'scheduler: not an entry',
        );
      else this.index.apply(batch.partition, message.offset, record);
      resolveOffset(message.offset);
    }
    await heartbeat();
    void this.tick();
  }

  /** Fires what is due now; one tick at a time. */
  tick(): Promise<void> {
    this.ticking ??= this.fireDue().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async fireDue(): Promise<void> {
    const now = this.clock.now();
    for (const firing of this.index.firings(now)) {
      try {
        await this.fire(firing);
        this.index.markFired(firing.id);
        if (firing.phase === 'cancel')
          this.options.metrics?.scheduledCancelled.inc({ kind: firing.entry.kind });
        else this.options.metrics?.scheduledFired.inc({ kind: firing.entry.kind });
        this.options.logger.info(
          { entry: firing.id, phase: firing.phase, kind: firing.entry.kind, eventId: firing.entry.event.id },
          'scheduler: entry handed to the pipeline',
        );
      } catch (error) {
        this.options.logger.warn({ err: error, entry: firing.id }, 'scheduler: could not fire; trying again');
        // A fenced or broken producer is dropped; the next tick starts a fresh one (if the partition is still ours).
        const broken = this.producers.get(firing.partition);
        this.producers.delete(firing.partition);
        void broken?.then((p) => p.disconnect()).catch(() => undefined);
      }
    }
    for (const c of this.index.counts(now))
      this.options.metrics?.scheduledSteps.set({ kind: c.kind, state: c.state }, c.count);
  }

  /** The entry's event to the retry topic and its tombstone, in one transaction of the partition's producer. */
  private async fire(firing: Firing): Promise<void> {
    const { settings } = this.options;
    const { entry } = firing;
    const now = new Date();
    const origin = {
      topic: this.topic,
      partition: firing.partition,
      offset: firing.offset,
      attempts: 0,
      firstSeen: now.toISOString(),
    };
    const headers = {
      ...entry.event.headers,
      ...retryHeaders(origin, 0, now.getTime(), `scheduled_${firing.phase}`, entry.reason),
      ...firingHeaders(firing),
    };
    const producer = await this.producerFor(firing.partition);
    const transaction = await producer.transaction();
    try {
      await transaction.send({
        topic: settings.topics.retry,
        messages: [{ key: entry.event.key ?? entry.user.key, value: entry.event.value, headers }],
      });
      await transaction.send({
        topic: this.topic,
        messages: [{ key: firing.id, value: null, partition: firing.partition }],
      });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  }

  /** One transactional producer per scheduled partition: a newer owner of the partition fences an older one. */
  private producerFor(partition: number): Promise<Producer> {
    let producer = this.producers.get(partition);
    if (!producer) {
      producer = (async () => {
        const p = this.options.kafka.producer({
          transactionalId: `${this.options.transactionalIdPrefix}-${this.groupId}-${this.topic}-${partition}`,
          idempotent: true,
          maxInFlightRequests: 1,
          allowAutoTopicCreation: false,
          createPartitioner: Partitioners.DefaultPartitioner,
        });
        await p.connect();
        return p;
      })();
      producer.catch(() => this.producers.delete(partition));
      this.producers.set(partition, producer);
    }
    return producer;
  }
}
