// Starts the fleet brake for a consumer instance: the topic read to its end (a trip recorded before this start
// holds at once), its gauges on the instance's metrics.
import type { Kafka } from 'kafkajs';
import type { AuditPort, Policy } from '@zendesk-lifecycle/core';
import type { Logger } from '@zendesk-lifecycle/service-runtime';
import type { ConsumerSettings } from '../config.js';
import type { ConsumerMetrics } from '../ops/metrics.js';
import { registerBrakeMetrics } from './brake-metrics.js';
import { FleetBrake } from './fleet-brake.js';

export async function startFleetBrake(options: {
  kafka: Kafka;
  settings: ConsumerSettings;
  policy: Policy;
  audit: AuditPort;
  logger: Logger;
  metrics: ConsumerMetrics;
}): Promise<FleetBrake> {
  const logger = options.logger.child({ component: 'brake' });
  const brake = await FleetBrake.start({
    kafka: options.kafka,
    settings: options.settings.kafka,
    blastRadius: options.policy.blast_radius,
    instance: options.settings.instanceId,
    audit: options.audit,
    logger,
  });
  registerBrakeMetrics(options.metrics.registry, () => brake.status());
  const held = brake.heldReason();
  if (held)
    logger.error({ reason: held }, 'ALERT: the brake is tripped: every event waits until it is released');
  return brake;
}
