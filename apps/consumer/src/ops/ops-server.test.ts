// The operations endpoint over real HTTP: health, readiness per dependency, metrics, one Zendesk check at a time.
import { afterEach, describe, expect, it } from 'vitest';
import { registerBrakeMetrics } from '../brake/brake-metrics.js';
import { ConsumerMetrics } from './metrics.js';
import { startOpsServer, type OpsServer } from './ops-server.js';

let server: OpsServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('operations endpoint', () => {
  it('reports health, readiness per dependency, and Prometheus metrics', async () => {
    const metrics = new ConsumerMetrics({ defaultMetrics: false });
    let kafkaUp = false;
    server = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      metrics,
      checks: { kafka: () => kafkaUp, zendesk: async () => true },
    });
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not ready', kafka: false, zendesk: true });
    kafkaUp = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    metrics.events.inc({ type: 'lifecycle.offboarding.v1', outcome: 'completed' });
    metrics.deadLetters.inc({ reason: 'invalid_event' });
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('lifecycle_events_total{type="lifecycle.offboarding.v1",outcome="completed"} 1');
    expect(text).toContain('lifecycle_dead_letters_total{reason="invalid_event"} 1');
  });

  it('is not ready while the fleet brake is tripped, saying why, and shows the brake gauges', async () => {
    const metrics = new ConsumerMetrics({ defaultMetrics: false });
    let tripped = true;
    registerBrakeMetrics(metrics.registry, () => ({
      tripped: tripped ? { tripped: true, at: 'x', by_instance: 'c-1', tick: 't', window_weight: 260 } : null,
      released: null,
      window: { total: 250, by_action: { deprovision: 240, suspend: 10 } },
      window_seconds: 3600,
      max_weight: 250,
    }));
    server = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      metrics,
      checks: {
        kafka: () => true,
        zendesk: async () => true,
        brake: () => (tripped ? 'the brake is tripped: …' : null),
      },
    });
    const base = `http://127.0.0.1:${server.port}`;
    const held = await fetch(`${base}/readyz`);
    expect(held.status).toBe(503);
    expect(await held.json()).toEqual({
      status: 'not ready',
      kafka: true,
      zendesk: true,
      brake: 'tripped',
      reason: 'the brake is tripped: …',
    });
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('lifecycle_brake_tripped 1');
    expect(text).toContain('lifecycle_brake_window_weight{action="all"} 250');
    expect(text).toContain('lifecycle_brake_window_weight{action="deprovision"} 240');
    tripped = false;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('lifecycle_brake_tripped 0');
  });

  it('runs one Zendesk check at a time however many probes arrive together, and a failed check is not ready', async () => {
    let calls = 0;
    let inFlight = 0;
    let most = 0;
    let fail = false;
    server = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      metrics: new ConsumerMetrics({ defaultMetrics: false }),
      checks: {
        kafka: () => true,
        zendesk: async () => {
          calls++;
          most = Math.max(most, ++inFlight);
          await new Promise((r) => setTimeout(r, 200));
          inFlight--;
          if (fail) throw new Error('Zendesk down');
          return true;
        },
      },
    });
    const base = `http://127.0.0.1:${server.port}`;
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () => fetch(`${base}/readyz`).then((r) => r.status)),
    );
    expect(statuses).toEqual(Array(20).fill(200));
    expect(most).toBe(1);
    expect(calls).toBeLessThan(20);
    fail = true;
    const down = await fetch(`${base}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'not ready', kafka: true, zendesk: false });
    fail = false;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});
