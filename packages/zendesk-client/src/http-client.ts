// The request path: node-zendesk builds URLs and drives the call, our transport does the network work.
// Every call runs in its own context so that per-call headers, request ids and typed errors stay with it.
// The transport signs each attempt with the auth provider; node-zendesk only ever holds a placeholder.
import zendesk from 'node-zendesk';
import { createAuth } from './auth/from-config.js';
import type { AuthProvider } from './auth/providers.js';
import type { ZendeskConfig } from './config.js';
import { RateGovernor } from './transport/governor.js';
import { callContext, createTransport, type CallContext } from './transport/transport.js';

export interface RawAnswer<T> {
  status: number;
  body: T;
  requestIds: string[];
  header(name: string): string | null;
}

type Path = string | Array<string | number | Record<string, string>>;

interface RawClient {
  _rawRequest(
    method: string,
    path: Path,
    body?: unknown,
  ): Promise<{ response: { status: number }; result: unknown }>;
}

export class HttpClient {
  readonly governor: RateGovernor;
  private readonly raw: RawClient;
  private readonly transport: ReturnType<typeof createTransport>;
  readonly auth: AuthProvider;

  constructor(readonly config: ZendeskConfig) {
    this.governor = new RateGovernor();
    this.auth = createAuth(config);
    const transport = createTransport({
      auth: this.auth,
      timeoutMs: config.timeoutMs,
      retry: config.retry,
      governor: this.governor,
      ...(config.logger ? { logger: config.logger } : {}),
      ...(config.onCall ? { onCall: config.onCall } : {}),
    });
    this.transport = transport;
    // debug stays off: node-zendesk's debug events carry the Authorization header.
    const client = zendesk.createClient({
      token: 'signed-per-attempt-by-our-transport',
      oauth: true,
      useOAuth: true,
      endpointUri: config.apiBase,
      throwOriginalException: true,
      debug: false,
      transportConfig: transport,
    } as never) as unknown as { users: RawClient };
    this.raw = client.users;
  }

  /** One call; throws the typed error of a failed call. Paths are node-zendesk path arrays or absolute URLs. */
  async call<T>(
    method: string,
    path: Path,
    body?: unknown,
    options: { idempotencyKey?: string } = {},
  ): Promise<RawAnswer<T>> {
    const ctx: CallContext = {
      headers: options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : {},
      requestIds: [],
    };
    const { result } = await callContext.run(ctx, () => this.raw._rawRequest(method, path, body));
    if (ctx.error) throw ctx.error;
    return {
      status: ctx.status ?? 200,
      body: result as T,
      requestIds: ctx.requestIds,
      header: (name) => ctx.responseHeaders?.get(name) ?? null,
    };
  }

  /** A call to a URL outside /api/v2 (the private entitlements endpoint), through the same transport. */
  async callOutside<T>(method: string, absoluteUrl: string, body?: unknown): Promise<RawAnswer<T>> {
    const ctx: CallContext = { headers: {}, requestIds: [] };
    const res = await callContext.run(ctx, () =>
      this.transport.transportFn(absoluteUrl, {
        method,
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    if (ctx.error) throw ctx.error;
    return {
      status: res.status,
      body: (await res.json()) as T,
      requestIds: ctx.requestIds,
      header: (name) => ctx.responseHeaders?.get(name) ?? null,
    };
  }
}
