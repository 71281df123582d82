import { afterEach, describe, expect, it } from 'vitest';
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
});
