// The sandbox's own admin API under /__sandbox/ (no Zendesk auth; loopback test tool): read the whole state,
// reset it, set faults, read the request log, manage OAuth (token lifetime, revocation, clients, API-token
// retirement). Other processes (chaos tests, benchmarks) use it over HTTP.
import type { FaultController, FaultRule } from './faults.js';
import { send, type Ctx } from './http.js';
import type { OAuthState } from './oauth-state.js';
import type { SandboxOptions } from './server.js';
import type { SandboxState } from './state.js';
import type { BrandInput, TicketFieldInput, TicketFormInput } from './ticket-settings.js';

interface AdminDeps {
  state: () => SandboxState;
  faults: FaultController;
  oauth: OAuthState;
  retireApiTokens: (retired: boolean) => void;
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
    case 'POST /__sandbox/search-lag': {
      // How long API changes take to reach /users/search, until the next reset (S16).
      const ms = Number((await json(ctx)).ms);
      if (!(ms >= 0)) return send(ctx, 400, { error: 'ms must be a number >= 0' });
      state.searchLagMs = ms;
      return send(ctx, 200, { search_lag_ms: ms });
    }
    // Custom ticket fields, brands and ticket forms (bodies as ticket-settings.ts's inputs); the new record back.
    case 'POST /__sandbox/ticket-fields':
    case 'POST /__sandbox/brands':
    case 'POST /__sandbox/ticket-forms': {
      const body = await json(ctx);
      const problem = settingsInputProblem(route, body);
      if (problem) return send(ctx, 400, { error: problem });
      const settings = state.ticketSettings;
      if (route.endsWith('ticket-fields'))
        return send(ctx, 201, { ticket_field: settings.addTicketField(body as unknown as TicketFieldInput) });
      if (route.endsWith('brands'))
        return send(ctx, 201, { brand: settings.addBrand(body as unknown as BrandInput) });
      return send(ctx, 201, { ticket_form: settings.addTicketForm(body as unknown as TicketFormInput) });
    }
    case 'POST /__sandbox/agent-seats': {
      // Agent seats bought (S9), until the next reset: null for as many as used.
      const seats = (await json(ctx)).seats;
      if (seats !== null && !(Number.isInteger(seats) && Number(seats) >= 0))
        return send(ctx, 400, { error: 'seats must be an integer >= 0, or null' });
      state.agentSeats = seats === null ? null : Number(seats);
      return send(ctx, 200, { agent_seats: state.agentSeats, paid_seats_in_use: state.paidSeatsInUse() });
    }
    case 'GET /__sandbox/oauth':
      return send(ctx, 200, deps.oauth.summary());
    case 'POST /__sandbox/oauth/lifetime': {
      const seconds = Number((await json(ctx)).seconds);
      if (!(seconds > 0)) return send(ctx, 400, { error: 'seconds must be a positive number' });
      deps.oauth.accessTokenSeconds = seconds;
      return send(ctx, 200, deps.oauth.summary());
    }
    case 'POST /__sandbox/oauth/revoke': {
      const token = (await json(ctx)).token;
      return send(ctx, 200, { revoked: deps.oauth.revoke(typeof token === 'string' ? token : undefined) });
    }
    case 'POST /__sandbox/oauth/clients': {
      const body = await json(ctx);
      if (typeof body.identifier !== 'string' || typeof body.secret !== 'string')
        return send(ctx, 400, { error: 'identifier and secret are required' });
      const scopes = Array.isArray(body.scopes) ? body.scopes.map(String) : ['read', 'write'];
      deps.oauth.setClient({ identifier: body.identifier, secret: body.secret, scopes });
      return send(ctx, 200, deps.oauth.summary());
    }
    case 'DELETE /__sandbox/oauth/clients':
      return send(ctx, 200, { deleted: deps.oauth.deleteClient(String((await json(ctx)).identifier)) });
    case 'POST /__sandbox/oauth/refresh-tokens': {
      // What the authorization-code flow would hand a person who grants access: a refresh token.
      const body = await json(ctx);
      const client = deps.oauth.clients.get(String(body.client_id));
      if (!client) return send(ctx, 404, { error: 'unknown client_id' });
      const scopes = typeof body.scope === 'string' ? body.scope.split(/\s+/) : client.scopes;
      return send(ctx, 200, { refresh_token: deps.oauth.issueRefresh(client.identifier, scopes).token });
    }
    case 'POST /__sandbox/oauth/api-tokens': {
      const retired = (await json(ctx)).retired === true;
      deps.retireApiTokens(retired);
      return send(ctx, 200, { retired });
    }
    default:
      return send(ctx, 404, {
        error: 'not found',
        routes: [
          'GET state',
          'POST reset',
          'GET|POST|DELETE faults',
          'GET requests',
          'POST search-lag {ms}',
          'POST ticket-fields {type, title, custom_field_options?, active?}',
          'POST brands {name, active?, is_deleted?}',
          'POST ticket-forms {name, active?, in_all_brands?, restricted_brand_ids?}',
          'POST agent-seats {seats}',
          'GET oauth',
          'POST oauth/lifetime {seconds}',
          'POST oauth/revoke {token?}',
          'POST|DELETE oauth/clients {identifier, secret, scopes}',
          'POST oauth/refresh-tokens {client_id, scope?}',
          'POST oauth/api-tokens {retired}',
        ],
      });
  }
}

/** What is missing from a ticket field, brand or form to add (null: nothing). */
function settingsInputProblem(route: string, body: Record<string, unknown>): string | null {
  if (body.id !== undefined && !(Number.isSafeInteger(body.id) && (body.id as number) > 0))
    return 'id must be a positive whole number';
  if (route.endsWith('ticket-fields')) {
    if (typeof body.type !== 'string' || typeof body.title !== 'string') return 'type and title are required';
    const options = body.custom_field_options;
    if (
      options !== undefined &&
      !(Array.isArray(options) && options.every((o) => typeof o?.value === 'string'))
    )
      return 'custom_field_options must be a list of {name?, value}';
    return null;
  }
  return typeof body.name === 'string' ? null : 'name is required';
}
