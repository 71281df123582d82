// The sandbox's own admin API under /__sandbox/ (no Zendesk auth; loopback test tool): read the whole state,
// reset it, set faults, read the request log. Other processes (chaos tests, benchmarks) use it over HTTP.
import type { FaultController, FaultRule } from './faults.js';
import { send, type Ctx } from './http.js';
import type { SandboxOptions } from './server.js';
import type { SandboxState } from './state.js';

interface AdminDeps {
  state: () => SandboxState;
  faults: FaultController;
  reset: (seed?: SandboxOptions['seed']) => void;
}

async function json(ctx: Ctx): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export async function adminRoutes(ctx: Ctx, deps: AdminDeps): Promise<void> {
  const route = `${ctx.method} ${ctx.path}`;
  const state = deps.state();
  switch (route) {
    case 'GET /__sandbox/state':
      return send(ctx, 200, state.snapshot());
    case 'POST /__sandbox/reset': {
      const body = await json(ctx);
      deps.reset(body.seed as SandboxOptions['seed']);
      return send(ctx, 200, { reset: true });
    }
    case 'GET /__sandbox/faults':
      return send(ctx, 200, { faults: deps.faults.list(), injected: deps.faults.injected });
    case 'POST /__sandbox/faults':
      deps.faults.set((await json(ctx)) as FaultRule);
      return send(ctx, 200, { faults: deps.faults.list() });
    case 'DELETE /__sandbox/faults':
      deps.faults.clear();
      return send(ctx, 200, { faults: [] });
    case 'GET /__sandbox/requests': {
      const mutatingOnly = ctx.query.get('mutating') === 'true';
      return send(ctx, 200, { requests: state.requestLog.filter((r) => !mutatingOnly || r.mutating) });
    }
    default:
      return send(ctx, 404, {
        error: 'not found',
        routes: ['GET state', 'POST reset', 'GET|POST|DELETE faults', 'GET requests'],
      });
  }
}
