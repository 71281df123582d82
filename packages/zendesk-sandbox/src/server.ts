// startSandbox: the HTTP server that ties state, auth, rate limits, faults and routes together.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminRoutes } from './admin.js';
import {
  ANONYMOUS_USER,
  authenticate,
  requireAdmin,
  requireScope,
  unauthorized,
  type Credentials,
} from './auth.js';
import { FaultController } from './faults.js';
import { DEFAULT_OAUTH_CLIENT, OAuthState, type OAuthClient } from './oauth-state.js';
import { seededRandom } from './random.js';
import { HttpError, invalid, Router, send, type Ctx } from './http.js';
import { accountHeaders, endpointLimits, tooManyRequests, WindowLimiter, type Limit } from './limits.js';
import { accountRoutes } from './routes/account.js';
import { searchRoutes } from './routes/search.js';
import { groupRoutes } from './routes/groups.js';
import { jobRoutes, Jobs } from './routes/jobs.js';
import { tokenEndpoint } from './routes/oauth.js';
import { permanentDeleteRoute } from './routes/permanent-delete.js';
import { ticketSettingsRoutes } from './routes/ticket-settings.js';
import { ticketRoutes } from './routes/tickets.js';
import { userRoutes } from './routes/users.js';
import { webhookRoutes } from './routes/webhooks.js';
import { WebhookService, type WebhookOptions } from './webhooks/webhooks.js';
import { seedDemo, seedGenerated } from './seed.js';
import { SandboxState } from './state.js';
import type { LoggedRequest } from './model.js';

/** How to start a sandbox: where to listen, the API user, rate limits, seed and Zendesk behaviours (all optional; see the README's Options table). */
export interface SandboxOptions {
  port?: number;
  host?: string;
  email?: string;
  token?: string;
  /** A static OAuth token that never expires (legacy); OAuth clients get expiring tokens at /oauth/tokens. */
  oauthToken?: string;
  /** Registered OAuth clients (default: one, DEFAULT_OAUTH_CLIENT, allowed "read write"). */
  oauthClients?: OAuthClient[];
  /** Lifetime of access tokens from /oauth/tokens, in seconds (default 1800, Zendesk's default). */
  tokenLifetimeSeconds?: number;
  /** Refuse every API token, as Zendesk does from 2027-04-30 (and for tokens idle 30 days). */
  retireApiTokens?: boolean;
  /** Account requests per minute (default 700, an Enterprise plan); 0 = unlimited. */
  rpm?: number;
  seed?: 'demo' | 'empty' | { users: number; tickets: number };
  randomSeed?: number;
  /** How long bulk jobs stay queued, then working. */
  jobDelayMs?: number;
  /** Zendesk's permanent-delete limit (default 700 per 10 minutes); `max: 0` = unlimited. */
  permanentDeleteLimit?: Limit;
  /** Ticket lists' own limit, header `zendesk-ratelimit-tickets-index` (default 100/min; off with rpm 0). */
  ticketListLimit?: Limit;
  /** Update Ticket (PUT /tickets/{id}), account-wide (default 100/min, S20; off with rpm 0). */
  updateTicketLimit?: Limit;
  /** Jobs queued or working at once (default 30; 0 = no limit; off with rpm 0). */
  jobLimit?: number;
  /** How long API changes take to reach /users/search (default 2000 ms; the seed is indexed at once). */
  searchLagMs?: number;
  /**
   * Agent seats the account bought (default: as many as it uses). Making a user take a paid seat when none is free
   * is refused with 422 (S9; the sandbox's wording, Zendesk documents none).
   */
  agentSeats?: number;
  /** Bulk user imports enabled (default false: POST /users/create_many is 403, as on a new account). */
  bulkUserImports?: boolean;
  /** Serve the admin UI's private entitlements endpoint to API credentials (default false: 403). */
  privateEntitlements?: boolean;
  /** Keep every request in the log (default true). */
  logRequests?: boolean;
  /** Webhook delivery: retry waits scaled by `timeScale`, attempt timeout, sweep period (webhooks/). */
  webhooks?: WebhookOptions;
}

/** A started sandbox: its URLs, credentials, in-process state and fault controls. */
export interface RunningSandbox {
  url: string;
  baseUrl: string;
  credentials: Credentials;
  state: SandboxState;
  faults: FaultController;
  /** OAuth clients and tokens (kept across reset()): lifetime, revocation, grant counters. */
  oauth: OAuthState;
  /** Whether API tokens are refused (settable while running). */
  apiTokensRetired: boolean;
  /** The Webhooks API's webhooks, their invocations, and `flush()` (sweep for changes, await deliveries). */
  webhooks: WebhookService;
  /** Re-seeds the account and clears faults, request log and rate-limit windows. */
  reset(seed?: SandboxOptions['seed']): void;
  stop(): Promise<void>;
}

/** The API user's sign-in by default: email, API token, static OAuth token and the OAuth client. */
export const DEFAULT_CREDENTIALS: Credentials = {
  email: 'admin@acme.test',
  token: 'sandbox-api-token',
  oauthToken: 'sandbox-oauth-token',
  oauthClientId: DEFAULT_OAUTH_CLIENT.identifier,
  oauthClientSecret: DEFAULT_OAUTH_CLIENT.secret,
};

function readBody(req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit)
        reject(new HttpError(413, { error: 'RequestTooLarge', description: 'Request body too large' }));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts a sandbox (a real HTTP server, 127.0.0.1 and a free port by default), seeded as `options.seed` says; `stop()` it when done. */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const credentials: Credentials = {
    email: options.email ?? DEFAULT_CREDENTIALS.email,
    token: options.token ?? DEFAULT_CREDENTIALS.token,
    oauthToken: options.oauthToken ?? DEFAULT_CREDENTIALS.oauthToken,
    oauthClientId: options.oauthClients?.[0]?.identifier ?? DEFAULT_CREDENTIALS.oauthClientId,
    oauthClientSecret: options.oauthClients?.[0]?.secret ?? DEFAULT_CREDENTIALS.oauthClientSecret,
  };
  const oauth = new OAuthState(
    options.oauthClients ?? [DEFAULT_OAUTH_CLIENT],
    options.tokenLifetimeSeconds ?? 1800,
  );
  oauth.addStaticToken(credentials.oauthToken);
  let origin = '';
  let state = new SandboxState(() => origin);
  const faults = new FaultController(options.randomSeed ?? 42);
  const rpm = options.rpm ?? 700;
  let accountLimit = new WindowLimiter(rpm, 60_000);
  let limits = endpointLimits(options);
  let jobs = new Jobs(state, options.jobDelayMs ?? 20, limits.jobs);
  let router = new Router();
  const webhooks = new WebhookService(() => state, options.webhooks);

  const build = (seed: SandboxOptions['seed']) => {
    jobs.stop();
    state = new SandboxState(() => origin);
    limits = endpointLimits(options);
    jobs = new Jobs(state, options.jobDelayMs ?? 20, limits.jobs);
    accountLimit = new WindowLimiter(rpm, 60_000);
    const chosen = seed ?? 'demo';
    if (chosen === 'demo') seedDemo(state, credentials.email);
    else if (chosen === 'empty') {
      state.addUser({ id: 1, name: 'Account Owner', email: credentials.email, role: 'admin' });
      state.ownerId = 1;
    } else seedGenerated(state, credentials.email, chosen, seededRandom(options.randomSeed ?? 42));
    state.searchLagMs = options.searchLagMs ?? 2000;
    state.agentSeats = options.agentSeats ?? null;
    router = new Router();
    userRoutes(router, state, jobs, { bulkUserImports: options.bulkUserImports ?? false });
    permanentDeleteRoute(router, state, limits.permanentDelete);
    ticketRoutes(router, state, jobs, limits);
    jobRoutes(router, state);
    accountRoutes(router, state, options.privateEntitlements ?? false);
    groupRoutes(router, state);
    ticketSettingsRoutes(router, state);
    searchRoutes(router, state);
    webhookRoutes(router, webhooks);
  };
  build(options.seed);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    const rawPath = url.pathname;
    const ctx: Ctx = {
      req,
      res,
      method: req.method ?? 'GET',
      path: rawPath.replace(/^\/api\/v2(?=\/)/, '').replace(/\.json$/, ''),
      query: url.searchParams,
      params: {},
      body: null,
      rawBody: '',
      requestId: randomUUID(),
      changed: false,
      origin,
      headers: {},
    };
    if (rawPath.startsWith('/__sandbox/'))
      return adminRoutes(ctx, {
        state: () => state,
        faults,
        oauth,
        retireApiTokens: (on) => void (api.apiTokensRetired = on),
        reset: (seed) => api.reset(seed),
      });
    const isApi = rawPath.startsWith('/api/v2/') || rawPath.startsWith('/api/admin/private/');
    const matched = isApi ? router.match(ctx.method, ctx.path) : undefined;
    const routeSpec = matched ? `${ctx.method} /${matched.route.parts.join('/')}` : undefined;
    let injected: LoggedRequest['fault'];
    try {
      const fault = faults.decide(ctx.method, routeSpec);
      injected =
        fault.reset === 'before'
          ? 'reset_before'
          : fault.storm
            ? 'rate_limit_storm'
            : fault.error !== undefined
              ? 'error'
              : fault.reset === 'after'
                ? 'reset_after'
                : undefined;
      if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
      if (fault.reset === 'before') return void req.socket.destroy();
      if (fault.storm) throw tooManyRequests(1, 'Rate limit storm (injected)');
      if (fault.error === 422) throw invalid('base', 'Injected refusal (a sandbox fault)');
      if (fault.error !== undefined)
        throw new HttpError(fault.error, { error: 'ServerError', description: `Injected ${fault.error}` });
      // The token endpoint lives outside /api/v2 and is not counted against the account's API budget.
      if (rawPath === '/oauth/tokens') {
        ctx.rawBody = await readBody(req);
        return tokenEndpoint(ctx, oauth);
      }
      const taken = accountLimit.take();
      if (!taken.ok)
        throw tooManyRequests(
          taken.retryAfter,
          `Rate limit of ${rpm} requests per minute exceeded`,
          accountHeaders(accountLimit, 0),
        );
      ctx.headers = accountHeaders(accountLimit, taken.remaining);
      const caller = authenticate(ctx, state, credentials, oauth, api.apiTokensRetired);
      if (!caller.user) {
        if (ctx.method === 'GET' && ctx.path === '/users/me') return send(ctx, 200, { user: ANONYMOUS_USER });
        throw unauthorized();
      }
      ctx.user = caller.user;
      requireScope(ctx, caller.scopes);
      if (!matched) throw new HttpError(404, { error: 'InvalidEndpoint', description: 'Not found' });
      if (matched.route.adminOnly) requireAdmin(ctx.user);
      ctx.params = matched.params;
      if (ctx.method !== 'GET' && ctx.method !== 'DELETE') {
        ctx.rawBody = await readBody(req);
        try {
          ctx.body = ctx.rawBody ? JSON.parse(ctx.rawBody) : null;
        } catch {
          throw new HttpError(400, {
            error: 'InvalidJSON',
            description: 'The request body is not valid JSON',
          });
        }
      }
      if (fault.reset === 'after') ctx.dropReply = true;
      await matched.route.handler(ctx);
    } catch (error) {
      if (error instanceof HttpError) send(ctx, error.status, error.body, error.headers);
      else send(ctx, 500, { error: 'InternalError', description: (error as Error).message });
    } finally {
      if (ctx.changed) webhooks.sweep();
      if (options.logRequests ?? true) {
        state.requestLog.push({
          method: ctx.method,
          path: rawPath,
          query: url.search.replace(/^\?/, ''),
          status: res.statusCode,
          request_id: ctx.requestId,
          idempotency_key: (req.headers['idempotency-key'] as string | undefined) ?? null,
          mutating: ctx.method !== 'GET' && ctx.method !== 'HEAD',
          changed: ctx.changed,
          time: new Date().toISOString(),
          ...(injected ? { fault: injected } : {}),
        });
      }
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  origin = `http://${options.host ?? '127.0.0.1'}:${address.port}`;
  const api: RunningSandbox = {
    url: origin,
    baseUrl: `${origin}/api/v2`,
    credentials,
    get state() {
      return state;
    },
    faults,
    oauth,
    apiTokensRetired: options.retireApiTokens ?? false,
    webhooks,
    reset(seed) {
      faults.clear();
      build(seed ?? options.seed);
    },
    stop: () =>
      new Promise((resolve) => {
        jobs.stop();
        webhooks.stop();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return api;
}
