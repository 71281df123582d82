// Prometheus metrics of the consumer: what it did (events, actions), what it cost (Zendesk calls, 429s),
// and how far behind it is (lag). One registry per service instance, so tests can run several side by side.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export class ConsumerMetrics {
  readonly registry = new Registry();
  readonly events = new Counter({
    name: 'lifecycle_events_total',
    help: 'Lifecycle events by type and final outcome (completed, refused, failed, dead_letter, retry, held)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly actions = new Counter({
    name: 'lifecycle_actions_total',
    help: 'Plan steps by action and outcome (succeeded, already_done, refused, failed)',
    labelNames: ['action', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly zendeskCalls = new Counter({
    name: 'lifecycle_zendesk_calls_total',
    help: 'HTTP calls made to Zendesk, by method and status',
    labelNames: ['method', 'status'] as const,
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'lifecycle_zendesk_rate_limited_total',
    help: 'Zendesk answers with status 429',
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: 'lifecycle_retries_total',
    help: 'Records tried again, in place or through the retry topic, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly deadLetters = new Counter({
    name: 'lifecycle_dead_letters_total',
    help: 'Records sent to the dead-letter topic, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly holds = new Counter({
    name: 'lifecycle_blast_radius_holds_total',
    help: 'Times a safety rail (blast radius) held a partition',
    registers: [this.registry],
  });
  readonly lag = new Gauge({
    name: 'lifecycle_consumer_lag',
    help: 'Records not yet consumed, per topic and partition (as of the last batch)',
    labelNames: ['topic', 'partition'] as const,
    registers: [this.registry],
  });

  /** Per instance: the entries of the scheduled-steps partitions it owns (sum over the fleet). */
  readonly scheduledSteps = new Gauge({
    name: 'zendesk_lifecycle_scheduled_steps',
    help: 'Scheduled steps (effective dates, purges) waiting (not due) or overdue (due, not fired yet), by kind',
    labelNames: ['kind', 'state'] as const,
    registers: [this.registry],
  });
  readonly scheduledFired = new Counter({
    name: 'zendesk_lifecycle_scheduled_fired_total',
    help: 'Scheduled steps handed to the pipeline when due, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly scheduledCancelled = new Counter({
    name: 'zendesk_lifecycle_scheduled_cancelled_total',
    help: 'Scheduled steps called off by a later re-hire of the user, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }
}
