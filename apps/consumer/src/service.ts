// The consumer service: topics, the delivery loop, metrics and the ops endpoint, started and stopped as one.
import type { Kafka } from 'kafkajs';
import type { Clock } from '@zendesk-lifecycle/core';
import { createKafka, ensureTopics, type Logger } from '@zendesk-lifecycle/service-runtime';
import type { ConsumerSettings } from './config.js';
import { DeliveryLoop, type RecordProcessor } from './delivery/delivery-loop.js';
import { ConsumerMetrics } from './ops/metrics.js';
import { startOpsServer, type OpsServer } from './ops/ops-server.js';
import type { Verdict } from './pipeline/contract.js';
import { Scheduler } from './scheduling/scheduler.js';

export interface ConsumerServiceOptions {
  settings: ConsumerSettings;
  logger: Logger;
  processor: RecordProcessor;
  metrics?: ConsumerMetrics;
  /** Whether Zendesk answers; used by /readyz. */
  zendeskReachable?: () => Promise<boolean>;
  /** Why the fleet brake holds every event, or null; used by /readyz. */
  brakeHeld?: () => string | null;
  /** Start the ops endpoint (off in tests that run many services side by side). */
  ops?: boolean;
  kafka?: Kafka;
  /** The scheduler of waiting steps (scheduling/): on unless false; tests give it their clock and a short tick. */
  scheduler?: false | { clock?: Clock; tickMs?: number };
}

export interface ConsumerService {
  readonly metrics: ConsumerMetrics;
  readonly opsPort: number | undefined;
  isReady(): boolean;
  stop(): Promise<void>;
}

function countVerdict(metrics: ConsumerMetrics, verdict: Verdict): void {
  if (verdict.kind === 'dead_letter') metrics.deadLetters.inc({ reason: verdict.reason });
  else if (verdict.kind === 'retry') metrics.retries.inc({ reason: verdict.reason });
  else if (verdict.kind === 'hold') metrics.holds.inc();
}

export async function startConsumerService(options: ConsumerServiceOptions): Promise<ConsumerService> {
  const { settings, logger } = options;
  const metrics = options.metrics ?? new ConsumerMetrics();
  const kafka = options.kafka ?? createKafka(settings.kafka, logger);
  const created = await ensureTopics(kafka, settings.kafka);
  if (created.length > 0) logger.info({ topics: created }, 'created missing topics');

  const loop = new DeliveryLoop({
    kafka,
    settings: settings.kafka,
    logger,
    processor: options.processor,
    concurrency: settings.concurrency,
    inPlaceAttempts: settings.inPlaceAttempts,
    maxAttempts: settings.maxAttempts,
    retryDelayMs: settings.retryDelayMs,
    backoff: settings.backoff,
    transactionalIdPrefix: settings.kafka.clientId,
    sessionTimeoutMs: settings.sessionTimeoutMs,
    heartbeatIntervalMs: settings.heartbeatIntervalMs,
    rebalanceTimeoutMs: settings.rebalanceTimeoutMs,
    onFatal: (error) => {
      logger.fatal(
        { err: error },
        'the Kafka consumer crashed and will not restart; exiting so that the process is restarted',
      );
      process.exit(1);
    },
    events: {
      onVerdict: (verdict) => countVerdict(metrics, verdict),
      onLag: (topic, partition, lag) => metrics.lag.set({ topic, partition: String(partition) }, lag),
    },
  });
  let ops: OpsServer | undefined;
  if (options.ops ?? true) {
    ops = await startOpsServer({
      port: settings.opsPort,
      host: settings.opsHost,
      metrics,
      checks: {
        kafka: () => loop.isConnected(),
        zendesk: options.zendeskReachable ?? (async () => true),
        ...(options.brakeHeld ? { brake: options.brakeHeld } : {}),
      },
    });
    logger.info({ host: settings.opsHost, port: ops.port }, 'ops endpoint: /healthz /readyz /metrics');
  }
  await loop.start();
  const scheduler =
    options.scheduler === false
      ? undefined
      : new Scheduler({
          kafka,
          settings: settings.kafka,
          logger: logger.child({ component: 'scheduler' }),
          transactionalIdPrefix: settings.kafka.clientId,
          metrics,
          sessionTimeoutMs: settings.sessionTimeoutMs,
          heartbeatIntervalMs: settings.heartbeatIntervalMs,
          ...(options.scheduler?.clock ? { clock: options.scheduler.clock } : {}),
          ...(options.scheduler?.tickMs ? { tickMs: options.scheduler.tickMs } : {}),
        });
  await scheduler?.start();
  logger.info(
    { topics: [settings.kafka.topics.events, settings.kafka.topics.retry], group: settings.kafka.groupId },
    'consuming lifecycle events',
  );
  let stopping: Promise<void> | undefined;
  return {
    metrics,
    opsPort: ops?.port,
    isReady: () => loop.isConnected(),
    stop: () =>
      (stopping ??= (async () => {
        logger.info('stopping: finishing the record in hand, then leaving the group');
        await scheduler?.stop();
        await loop.stop();
        await ops?.stop();
        logger.info('stopped');
      })()),
  };
}
