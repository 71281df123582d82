// The consumer loop: one record at a time per partition, partitions in parallel. Every record ends in exactly
// one terminal write (result, dead letter, or hand-off to the retry topic) committed atomically with its offset.
// Transient failures pause the partition (heartbeats keep flowing) instead of sleeping in the handler. This file
// is the consumer's lifecycle (batches, pauses, tries); fencing and routing live beside it.
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { KafkaSettings, Logger } from '@zendesk-lifecycle/service-runtime';
import type { RecordInput, Verdict } from '../pipeline/contract.js';
import { originOf, RETRY_DUE_MARGIN_MS, retryDueAt, type Origin } from './headers.js';
import { PartitionFence } from './partition-fence.js';
import { routeVerdict, type TerminalVerdict } from './routing.js';
import { TransactionalWriters } from './transactions.js';
import { scheduledOf, scheduledPartitionCount } from '../scheduling/delivery-hooks.js';

/** The pipeline's input (value, headers, finalAttempt) and where the record sits in Kafka. */
export interface RecordContext extends RecordInput {
  topic: string;
  partition: number;
  message: KafkaMessage;
  origin: Origin;
  /** 1 for the first try of this record, counting tries made through the retry topic. */
  attempt: number;
  /** Keeps the group membership alive during long work (kafkajs has no background heartbeat). */
  heartbeat: () => Promise<void>;
}

/** Turns one record into a verdict. It must not throw; a throw is treated as a transient failure. */
export type RecordProcessor = (record: RecordContext) => Promise<Verdict>;

export interface DeliveryEvents {
  onVerdict?(verdict: Verdict, record: RecordContext): void;
  onLag?(topic: string, partition: number, lag: number): void;
}

export interface DeliveryOptions {
  kafka: Kafka;
  settings: KafkaSettings;
  logger: Logger;
  processor: RecordProcessor;
  /** Partitions processed in parallel. */
  concurrency: number;
  /** Tries in place (pausing the partition between them) before handing off to the retry topic. */
  inPlaceAttempts: number;
  /** Tries in all before the dead-letter topic. */
  maxAttempts: number;
  /** How long a record waits in the retry topic. */
  retryDelayMs: number;
  /** Clock skew allowed on a retry record's due time: it waits at most retryDelayMs plus this (default 60 s). */
  retryDueMarginMs?: number;
  backoff: { initialMs: number; maxMs: number };
  transactionalIdPrefix: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  events?: DeliveryEvents;
  now?: () => number;
  /** Called when the consumer crashed and kafkajs will not restart it (the process should exit and be restarted). */
  onFatal?: (error: Error) => void;
  /** Longest a fetch waits for new records (kafkajs maxWaitTimeInMs). */
  maxWaitTimeMs?: number;
}

/** While a hold lasts, its alert is logged again this often (the rechecks in between log at debug). */
const HOLD_REMINDER_MS = 5 * 60_000;

const fullJitter = (attempt: number, initialMs: number, maxMs: number) =>
  Math.round(Math.random() * Math.min(maxMs, initialMs * 2 ** (attempt - 1)));

export class DeliveryLoop {
  private readonly consumer: Consumer;
  private readonly writers: TransactionalWriters;
  private readonly fence: PartitionFence;
  private readonly inPlaceTries = new Map<string, number>();
  /** Due times of retry records seen waiting, capped when first seen (so a far-off due time cannot stall them). */
  private readonly dueTimes = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly now: () => number;
  private connected = false;
  /** Partitions of the scheduled-steps topic, read at start (its records are placed by user). */
  private scheduledPartitions = 1;
  /** The hold last logged as an alert, and when. */
  private lastHold: { reason: string; at: number } = { reason: '', at: 0 };

  constructor(private readonly options: DeliveryOptions) {
    const { kafka, settings } = options;
    this.now = options.now ?? Date.now;
    this.consumer = kafka.consumer({
      groupId: settings.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      rebalanceTimeout: options.rebalanceTimeoutMs,
      allowAutoTopicCreation: false,
      readUncommitted: false,
      // Short long-polls keep shutdown and pause/resume responsive; an idle fetch per second costs nothing.
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 1000,
    });
    this.writers = new TransactionalWriters(kafka, settings.groupId, options.transactionalIdPrefix);
    this.fence = new PartitionFence(kafka, this.writers, settings.groupId, options.logger, this.now);
  }

  isConnected(): boolean {
    return this.connected;
  }

  async start(): Promise<void> {
    const { settings } = this.options;
    await this.fence.connect();
    this.scheduledPartitions = await scheduledPartitionCount(this.options.kafka, settings.topics.scheduled);
    await this.consumer.connect();
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.fence.newGeneration();
      this.dueTimes.clear();
      this.connected = true;
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      this.connected = false;
      if (!event.payload.restart) this.options.onFatal?.(event.payload.error);
    });
    this.consumer.on(this.consumer.events.DISCONNECT, () => (this.connected = false));
    await this.consumer.subscribe({
      topics: [settings.topics.events, settings.topics.retry],
      fromBeginning: true,
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.concurrency,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /** Stops fetching, lets the record in hand finish, leaves the group. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.dueTimes.clear();
    await this.consumer.disconnect();
    await this.writers.disconnect();
    await this.fence.disconnect();
    this.connected = false;
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, isRunning, isStale, heartbeat } = payload;
    this.options.events?.onLag?.(batch.topic, batch.partition, Number(batch.offsetLagLow()));
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const committed = await this.fence.committedOffset(batch.topic, batch.partition);
    // One keep-alive for the batch (kafkajs has no background heartbeat; a record's Zendesk work can be long). Its
    // failure (the group rebalancing, the coordinator gone) is kept, not swallowed: from then on this member may
    // no longer own the partition, so no Zendesk action starts here (stillOwner) and no new record either; the
    // error then reaches kafkajs, which rejoins the group.
    const trouble: { error?: unknown } = {};
    const keepAlive = setInterval(
      () =>
        void heartbeat().catch((error: unknown) => {
          trouble.error ??= error;
        }),
      1000,
    );
    const stillOwner = () => trouble.error === undefined && isRunning() && !isStale();
    try {
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) return;
        if (trouble.error !== undefined) throw trouble.error;
        if (BigInt(message.offset) < committed) {
          // Its outcome is already committed (by a former owner of the partition, or by a transaction of ours
          // whose answer was lost): the record is done and must not be written twice.
          payload.resolveOffset(message.offset);
          continue;
        }
        if (batch.topic === this.options.settings.topics.retry && this.waitIfNotDue(payload, message)) return;
        const handled = await this.handle(payload, message, stillOwner);
        if (!handled) return;
        await heartbeat();
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** A record in the retry topic waits for its due time, at most the retry delay plus a margin: pause until then. */
  private waitIfNotDue(payload: EachBatchPayload, message: KafkaMessage): boolean {
    const key = `${payload.batch.topic}/${payload.batch.partition}/${message.offset}`;
    const now = this.now();
    const due =
      this.dueTimes.get(key) ??
      retryDueAt(
        message,
        now,
        now + this.options.retryDelayMs + (this.options.retryDueMarginMs ?? RETRY_DUE_MARGIN_MS),
      );
    const wait = due - now;
    if (wait <= 0) {
      this.dueTimes.delete(key);
      return false;
    }
    this.dueTimes.set(key, due);
    this.pauseFor(payload, wait);
    return true;
  }

  private pauseFor(payload: EachBatchPayload, delayMs: number): void {
    const resume = payload.pause();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      resume();
    }, delayMs);
    this.timers.add(timer);
  }

  /** Processes one record; false when the partition was paused and the rest of the batch must wait. */
  private async handle(
    payload: EachBatchPayload,
    message: KafkaMessage,
    stillOwner: () => boolean,
  ): Promise<boolean> {
    const { batch } = payload;
    const o = this.options;
    const key = `${batch.topic}/${batch.partition}/${message.offset}`;
    const origin = originOf(
      batch.topic,
      batch.partition,
      message,
      new Date(this.now()),
      o.settings.topics.retry,
    );
    const inPlace = (this.inPlaceTries.get(key) ?? 0) + 1;
    const attempt = origin.attempts + inPlace;
    const record: RecordContext = {
      value: message.value,
      headers: message.headers ?? {},
      finalAttempt: attempt >= o.maxAttempts,
      key: message.key?.toString() ?? null,
      timestamp: message.timestamp,
      // A fired scheduled entry: its headers are trusted on the retry topic only (scheduling/firing.ts).
      ...(batch.topic === o.settings.topics.retry ? scheduledOf(message) : {}),
      topic: batch.topic,
      partition: batch.partition,
      message,
      origin,
      attempt,
      heartbeat: payload.heartbeat,
      stillOwner,
    };
    const verdict = await this.process(record);
    o.events?.onVerdict?.(verdict, record);
    const next = {
      topic: batch.topic,
      partition: batch.partition,
      offset: (BigInt(message.offset) + 1n).toString(),
    };
    const log = o.logger.child({ topic: batch.topic, partition: batch.partition, offset: message.offset });

    if (verdict.kind === 'hold') {
      // Every held partition asks again every few seconds: the reason is an alert the first time, and again
      // every HOLD_REMINDER_MS while it lasts, not on every recheck.
      const now = this.now();
      const loud = verdict.reason !== this.lastHold.reason || now - this.lastHold.at >= HOLD_REMINDER_MS;
      if (loud) this.lastHold = { reason: verdict.reason, at: now };
      log[loud ? 'error' : 'debug'](
        { reason: verdict.reason, holdMs: verdict.delayMs },
        loud ? 'ALERT: partitions held by a safety rail' : 'partition held by a safety rail',
      );
      this.pauseFor(payload, verdict.delayMs);
      return false;
    }
    if (verdict.kind === 'retry' && record.attempt < o.maxAttempts && inPlace < o.inPlaceAttempts) {
      this.inPlaceTries.set(key, inPlace);
      const delay = verdict.delayMs ?? fullJitter(inPlace, o.backoff.initialMs, o.backoff.maxMs);
      log.warn(
        { attempt: record.attempt, delayMs: delay, reason: verdict.reason, err: verdict.error },
        'will try again',
      );
      this.pauseFor(payload, delay);
      return false;
    }
    try {
      log.debug({ verdict: verdict.kind }, 'committing the outcome');
      await this.writeTerminal(verdict, record, next);
      log.debug('outcome committed');
    } catch (error) {
      // The transaction may have committed although its answer was lost, or another member may own the partition
      // now: fence it again before the next try, which then skips the record if its outcome is committed.
      this.fence.forget(batch.topic, batch.partition);
      // Rethrown as a plain error so that kafkajs retries the batch (it would give up on a "non-retriable" fenced
      // producer).
      throw new Error(`the outcome of ${key} could not be committed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.inPlaceTries.delete(key);
    payload.resolveOffset(message.offset);
    return true;
  }

  /** The one terminal write of a record, in the same transaction as its offset. */
  private async writeTerminal(
    verdict: TerminalVerdict,
    record: RecordContext,
    next: { topic: string; partition: number; offset: string },
  ): Promise<void> {
    const { settings, maxAttempts, retryDelayMs, logger } = this.options;
    const route = routeVerdict(
      verdict,
      record,
      { topics: settings.topics, maxAttempts, retryDelayMs, scheduledPartitions: this.scheduledPartitions },
      this.now(),
    );
    if (route.to === 'dead_letter') {
      logger.warn(
        { reason: route.reason, error: route.error, origin: record.origin },
        'record sent to the dead-letter topic',
      );
    } else if (route.to === 'retry') {
      logger.warn(
        { attempt: record.attempt, reason: route.reason, origin: record.origin },
        'record handed to the retry topic',
      );
    }
    await this.writers.commit(route.to === 'result' ? [route.write, ...route.extra] : [route.write], next);
  }

  private async process(record: RecordContext): Promise<Verdict> {
    try {
      return await this.options.processor(record);
    } catch (error) {
      return {
        kind: 'retry',
        reason: 'unexpected_error',
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }
}
