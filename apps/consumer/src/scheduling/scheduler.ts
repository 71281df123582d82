// The scheduler: reads the scheduled-steps topic (its own consumer group, never committing, every assigned
// partition from its start) into an index, and hands every entry that is due, or cancelled by a newer re-hire
// marker, to the pipeline through the retry topic, together with the entry's tombstone, in one Kafka transaction.
// Kafka is the source of truth: the index is rebuilt on every start and rebalance; the tick only looks at it.
// An entry fires once: on every assignment this instance first fences each partition's transactional id (a former
// owner still firing from a stale view can commit nothing after that), then reads the partition to a marker it
// wrote after the fence (so every firing committed before the fence, with its tombstone, has been seen), and only
// then fires. Should it still happen (the steps are idempotent and the audit trail recalls them by key), Zendesk
// changes once, but the purge would have two results: the chaos suite found exactly that before the fence.
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
  /** Bumped on every group join: a takeover of an older one stops when a newer one started. */
  private generation = 0;
  private assigned = new Set<number>();
  /** Partitions being fenced and synced again after their producer failed. */
  private readonly recovering = new Set<number>();
  private stopped = false;

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
      const generation = ++this.generation;
      this.assigned = new Set(partitions);
      this.index.assign(partitions);
      void this.takeOver(partitions, generation);
    });
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachBatch: (payload) => this.onBatch(payload) });
    this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? 5000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.ticking;
    await this.consumer.disconnect();
    await this.syncProducer?.disconnect();
    const all = [...this.producers.values()];
    this.producers.clear();
    await Promise.allSettled(all.map(async (p) => (await p).disconnect()));
  }

  /** Fences every assigned partition (dropping producers of partitions no longer ours), then marks their end. */
  private async takeOver(partitions: number[], generation: number): Promise<void> {
    for (const [partition, producer] of this.producers) {
      if (this.assigned.has(partition)) continue;
      this.producers.delete(partition);
      void producer.then((p) => p.disconnect()).catch(() => undefined);
    }
    const fenced = await Promise.all(
      partitions.map((p) =>
        this.fence(p).then(
          () => true,
          () => false,
        ),
      ),
    );
    if (generation !== this.generation) return;
    const ready = partitions.filter((_, i) => fenced[i]);
    const synced = ready.length === 0 || (await this.sync(ready));
    // A partition whose fence or end marker failed (the broker unreachable) is tried again until it works.
    partitions.filter((_, i) => !fenced[i] || !synced).forEach((p) => this.recover(p));
  }

  /**
   * Starts a fresh transactional producer for the partition and initialises its id now (kafkajs does it only at
   * the first transaction(): an empty one). That fences every older producer of the id, in this process or in a
   * former owner of the partition, and ends any transaction one left open.
   */
  private async fence(partition: number): Promise<void> {
    const previous = this.producers.get(partition);
    this.producers.delete(partition);
    if (previous) await (await previous.catch(() => undefined))?.disconnect().catch(() => undefined);
    const producer = (async () => {
      const p = this.options.kafka.producer({
        transactionalId: `${this.options.transactionalIdPrefix}-${this.groupId}-${this.topic}-${partition}`,
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await p.connect();
      const empty = await p.transaction();
      await empty.abort();
      return p;
    })();
    this.producers.set(partition, producer);
    try {
      await producer;
    } catch (error) {
      if (this.producers.get(partition) === producer) this.producers.delete(partition);
      this.options.logger.warn({ err: error, partition }, 'scheduler: could not fence a scheduled partition');
      throw error;
    }
  }

  /** After a failed firing: nothing of the partition fires until it is fenced and read to its end again. */
  private recover(partition: number): void {
    this.index.markBehind(partition);
    this.syncKeys.delete(partition);
    if (this.recovering.has(partition) || !this.assigned.has(partition)) return;
    this.recovering.add(partition);
    const generation = this.generation;
    void (async () => {
      // Until it works (a broker may be away for a while), or the partition moves on with a newer assignment.
      for (
        let delayMs = 1000;
        generation === this.generation && this.assigned.has(partition) && !this.stopped;
      ) {
        await new Promise((r) => setTimeout(r, delayMs));
        if (generation !== this.generation || !this.assigned.has(partition) || this.stopped) break;
        try {
          await this.fence(partition);
          if (generation !== this.generation || (await this.sync([partition]))) break;
        } catch {
          delayMs = Math.min(delayMs * 2, 10_000);
        }
      }
      this.recovering.delete(partition);
    })();
  }

  /**
   * A partition is read to its end once this instance reads back a record it wrote after the assignment: every
   * record committed before it has been applied. Only then do its entries fire (a marker further on may cancel).
   */
  private async sync(partitions: number[]): Promise<boolean> {
    const key = `sync:${randomUUID()}`;
    for (const p of partitions) this.syncKeys.set(p, key);
    try {
      await this.syncProducer?.send({
        topic: this.topic,
        messages: partitions.map((partition) => ({ key, value: null, partition })),
      });
      return true;
    } catch (error) {
      this.options.logger.warn({ err: error }, 'scheduler: could not mark the end of its partitions');
      return false;
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
      // A rebalance (or a failed producer) since the list was made: the partition is not ours to fire from now.
      if (!this.index.isCaughtUp(firing.partition)) continue;
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
        // A fenced or broken producer: the partition is fenced and read to its end again before anything of it
        // fires (if it is still ours); a newer owner that fenced this one has seen what this one committed.
        this.recover(firing.partition);
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
    const producer = await this.producers.get(firing.partition);
    if (!producer) throw new Error(`scheduled partition ${firing.partition} is not fenced by this instance`);
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
}
