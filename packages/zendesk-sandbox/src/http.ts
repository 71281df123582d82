// The small HTTP layer: a request context, Zendesk-shaped error replies, and a router on "METHOD /path/:param".
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { User } from './model.js';

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** The path without /api/v2 and without a .json suffix, e.g. /users/12. */
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  body: unknown;
  rawBody: string;
  /** The authenticated user (set by auth). */
  user?: User;
  requestId: string;
  /** Set by handlers when the request changed the account. */
  changed: boolean;
  /** Origin of this request, for absolute links (node-zendesk needs next links on the same origin). */
  origin: string;
  headers: Record<string, string>;
  /** Fault injection: process the request, then lose the answer (the connection is reset). */
  dropReply?: boolean;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.error ?? status));
  }
}

export const notFound = () => new HttpError(404, { error: 'RecordNotFound', description: 'Not found' });
export const invalid = (field: string, description: string, error = 'InvalidValue') =>
  new HttpError(422, {
    error: 'RecordInvalid',
    description: 'Record validation errors',
    details: { [field]: [{ description, error }] },
  });
export const badRequest = (error: string, description: string) => new HttpError(400, { error, description });

export function send(ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (ctx.res.headersSent) return;
  if (ctx.dropReply) {
    ctx.res.statusCode = status;
    ctx.req.socket.destroy();
    return;
  }
  // 204 No Content: no body and no content type.
  if (status === 204) {
    ctx.res.writeHead(204, { 'x-request-id': ctx.requestId, ...ctx.headers, ...headers });
    ctx.res.end();
    return;
  }
  const text = JSON.stringify(body);
  ctx.res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'x-request-id': ctx.requestId,
    ...ctx.headers,
    ...headers,
    'content-length': Buffer.byteLength(text),
  });
  ctx.res.end(text);
}

export type Handler = (ctx: Ctx) => Promise<void> | void;

interface Route {
  method: string;
  parts: string[];
  handler: Handler;
  adminOnly: boolean;
}

export class Router {
  private readonly routes: Route[] = [];

  on(spec: string, handler: Handler, options: { adminOnly?: boolean } = {}): this {
    const [method, path] = spec.split(' ') as [string, string];
    this.routes.push({
      method,
      parts: path.split('/').filter(Boolean),
      handler,
      adminOnly: options.adminOnly ?? false,
    });
    return this;
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    const parts = path.split('/').filter(Boolean);
    for (const route of this.routes) {
      if (route.method !== method || route.parts.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const ok = route.parts.every((p, i) => {
        if (p.startsWith(':')) {
          params[p.slice(1)] = decodeURIComponent(parts[i]!);
          return true;
        }
        return p === parts[i];
      });
      if (ok) return { route, params };
    }
    return undefined;
  }
}

export function numericId(value: string | undefined): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id <= 0) throw notFound();
  return id;
}
