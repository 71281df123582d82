// The operations endpoint: /healthz (the process is alive), /readyz (Kafka joined, Zendesk reachable, the brake not
// tripped), /metrics.
// Probes arriving together share one Zendesk check: a flood of /readyz requests makes one call at a time.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConsumerMetrics } from './metrics.js';

export interface ReadinessChecks {
  kafka(): boolean;
  zendesk(): Promise<boolean>;
  /** Why every event is held (the fleet brake is tripped), or null. */
  brake?(): string | null;
}

export interface OpsServer {
  readonly port: number;
  stop(): Promise<void>;
}

export async function startOpsServer(options: {
  port: number;
  /** The address to bind (OPS_HOST); loopback unless given. */
  host?: string;
  metrics: ConsumerMetrics;
  checks: ReadinessChecks;
}): Promise<OpsServer> {
  const { metrics, checks } = options;
  let zendeskCheck: Promise<boolean> | undefined;
  /** The Zendesk check in flight, or a new one: never two at once. */
  const zendeskReachable = () =>
    (zendeskCheck ??= checks
      .zendesk()
      .catch(() => false)
      .finally(() => (zendeskCheck = undefined)));
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return reply(405, { error: 'method not allowed' });
    if (path === '/healthz') return reply(200, { status: 'ok' });
    if (path === '/readyz') {
      void zendeskReachable().then((zendesk) => {
        const kafka = checks.kafka();
        const brake = checks.brake?.() ?? null;
        const ready = kafka && zendesk && brake === null;
        reply(ready ? 200 : 503, {
          status: ready ? 'ready' : 'not ready',
          kafka,
          zendesk,
          ...(brake === null ? {} : { brake: 'tripped', reason: brake }),
        });
      });
      return;
    }
    if (path === '/metrics') {
      void metrics.registry.metrics().then((text) => reply(200, text, metrics.registry.contentType));
      return;
    }
    reply(404, { error: 'not found', routes: ['/healthz', '/readyz', '/metrics'] });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
