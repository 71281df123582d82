// The closed loop's metrics, registered on the consumer's registry (ops/metrics.ts stays as it is).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export class ConfirmMetrics {
  readonly confirmations: Counter<'action' | 'by'>;
  readonly delay: Histogram<'action' | 'by'>;
  readonly raised: Counter<'action'>;
  readonly drift: Counter<'change' | 'reapplied'>;
  readonly waiting: Gauge;

  constructor(registry: Registry) {
    this.confirmations = new Counter({
      name: 'zendesk_lifecycle_confirmations_total',
      help: 'Succeeded steps confirmed by Zendesk, by action and how (its event, or its state read back)',
      labelNames: ['action', 'by'] as const,
      registers: [registry],
    });
    this.delay = new Histogram({
      name: 'zendesk_lifecycle_confirmation_delay_seconds',
      help: 'From the step result to its confirmation, by action and how',
      labelNames: ['action', 'by'] as const,
      buckets: [1, 5, 15, 60, 300, 900, 1800, 3600],
      registers: [registry],
    });
    this.raised = new Counter({
      name: 'zendesk_lifecycle_confirmations_raised_total',
      help: 'Succeeded steps whose Zendesk state read back after the window disagrees with them, by action',
      labelNames: ['action'] as const,
      registers: [registry],
    });
    this.drift = new Counter({
      name: 'zendesk_lifecycle_drift_total',
      help: 'Access given back outside the lifecycle to a user our pipeline removed, by change and re-applied or not',
      labelNames: ['change', 'reapplied'] as const,
      registers: [registry],
    });
    this.waiting = new Gauge({
      name: 'zendesk_lifecycle_confirmations_waiting',
      help: 'Succeeded steps owned by this instance waiting for Zendesk to report them',
      registers: [registry],
    });
  }
}
