// The brake's gauges, read from the brake at each scrape: whether it is tripped, and what the window weighs
// (per action, and in total against max_weight).
import { Gauge, type Registry } from 'prom-client';
import type { BrakeStatus } from './fleet-brake.js';

export function registerBrakeMetrics(registry: Registry, status: () => BrakeStatus): void {
  new Gauge({
    name: 'lifecycle_brake_tripped',
    help: 'Whether the fleet brake is tripped (1: every instance holds until an operator releases it)',
    registers: [registry],
    collect() {
      this.set(status().tripped ? 1 : 0);
    },
  });
  new Gauge({
    name: 'lifecycle_brake_window_weight',
    help: 'What the actions of the brake window weigh, per action ("all": the total, compared with max_weight)',
    labelNames: ['action'] as const,
    registers: [registry],
    collect() {
      const s = status();
      this.reset();
      this.set({ action: 'all' }, s.window.total);
      for (const [action, weight] of Object.entries(s.window.by_action)) this.set({ action }, weight ?? 0);
    },
  });
  new Gauge({
    name: 'lifecycle_brake_max_weight',
    help: 'The policy max_weight of the brake window',
    registers: [registry],
    collect() {
      this.set(status().max_weight);
    },
  });
}
