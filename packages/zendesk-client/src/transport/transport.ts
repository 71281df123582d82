// Our transport: Node's fetch with timeouts, Retry-After-aware retries with full jitter for safe requests, the
// rate governor, a fresh Authorization header per attempt, and typed errors. It serves node-zendesk as its
// documented `transportConfig` (a failed call throws our ZendeskError, which node-zendesk rethrows unchanged under
// `throwOriginalException`), and it sends directly the calls node-zendesk's public methods cannot make.
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthProvider } from '../auth/providers.js';
import type { CallInfo, ClientLogger, RetryPolicy } from '../config.js';
import { errorFromResponse, NetworkError, Timeout, ZendeskError } from '../errors.js';
import type { RateGovernor } from './governor.js';

/** One request as node-zendesk hands it over (its whole config travels along; never log it). */
export interface OutgoingRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** A successful answer, with the request ids of every attempt it took. */
export interface Delivered {
  response: Response;
  requestIds: string[];
}

/** What node-zendesk reads of an answer (its documented responseAdapter shape), plus our request ids. */
export interface AdaptedResponse {
  json(): Promise<unknown>;
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  requestIds: string[];
}

export interface Transport {
  /** Sends one request (retried when safe); resolves only with a 2xx answer, else throws a ZendeskError. */
  transportFn(uri: string, request: OutgoingRequest): Promise<Delivered>;
  responseAdapter(delivered: Delivered): AdaptedResponse;
}

/**
 * "DELETE deleted_users/:id" for http://x/api/v2/deleted_users/12.json: the endpoint, numeric ids replaced; the
 * governor learns from the answers which rate-limit buckets each endpoint draws from.
 */
export function endpointKey(method: string, uri: string): string {
  const path = new URL(uri).pathname.replace(/^\/api\/v2\//, '').replace(/\.json$/, '');
  return `${method} ${path.replace(/(^|\/)\d+(?=\/|$)/g, '$1:id')}`;
}

const BUCKET_HEADER = 'zendesk-ratelimit-';

function safeToRepeat(method: string, headers: Record<string, string>): boolean {
  if (method === 'GET' || method === 'PUT' || method === 'DELETE' || method === 'HEAD') return true;
  return Object.keys(headers).some((h) => h.toLowerCase() === 'idempotency-key');
}

export function createTransport(options: {
  timeoutMs: number;
  retry: RetryPolicy;
  governor: RateGovernor;
  logger?: ClientLogger;
  onCall?: (info: CallInfo) => void;
  /** Signs every attempt (node-zendesk's own Authorization header is dropped, so no stale token is sent). */
  auth?: AuthProvider;
}): Transport {
  const { retry, governor } = options;

  const transportFn = async (uri: string, request: OutgoingRequest): Promise<Delivered> => {
    const headers = { ...request.headers };
    const requestIds: string[] = [];
    if (options.auth) for (const h of Object.keys(headers)) if (/^authorization$/i.test(h)) delete headers[h];
    let renewedToken = false;
    const method = request.method.toUpperCase();
    const key = endpointKey(method, uri);
    const repeatable = safeToRepeat(method, headers);
    for (let attempt = 1; ; attempt++) {
      await governor.beforeCall(key);
      if (options.auth) {
        try {
          headers.Authorization = await options.auth.authorization();
        } catch (cause) {
          governor.callEnded(key);
          throw authFailure(cause);
        }
      }
      const started = Date.now();
      let error: ZendeskError | undefined;
      let retryAfter: number | undefined;
      let answered = false;
      try {
        const res = await fetch(uri, {
          method,
          headers,
          body: request.body,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        const requestId = res.headers.get('x-request-id');
        if (requestId) requestIds.push(requestId);
        answered = true;
        // Endpoint buckets, named by the header itself: `zendesk-ratelimit-tickets-index: total=100; ...` (S4).
        const buckets: Record<string, string> = {};
        res.headers.forEach((value, name) => {
          const lower = name.toLowerCase();
          if (lower.startsWith(BUCKET_HEADER)) buckets[lower.slice(BUCKET_HEADER.length)] = value;
        });
        retryAfter = governor.afterCall(res.status, (n) => res.headers.get(n), key, buckets);
        options.onCall?.({
          method,
          path: new URL(uri).pathname,
          status: res.status,
          durationMs: Date.now() - started,
          attempt,
        });
        if (res.ok) return { response: res, requestIds };
        const text = await res.text();
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          /* keep the text */
        }
        error = errorFromResponse(res.status, body, requestId, retryAfter);
        // 401 invalid_token: the token expired or was revoked under this call; renew once and send it again
        // (Zendesk did nothing with a request it could not authenticate, so even a POST may go again).
        if (res.status === 401 && options.auth && !renewedToken && invalidToken(body, res.headers)) {
          renewedToken = true;
          const used = headers.Authorization ?? '';
          const again = await options.auth.invalidated(used).catch((cause: unknown) => authFailure(cause));
          if (again === true) continue;
          if (again instanceof ZendeskError) error = again;
        }
      } catch (cause) {
        if (!answered) governor.callEnded(key);
        options.onCall?.({
          method,
          path: new URL(uri).pathname,
          status: null,
          durationMs: Date.now() - started,
          attempt,
        });
        const timedOut =
          cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
        const Kind = timedOut ? Timeout : NetworkError;
        error = new Kind(
          timedOut ? 'zendesk_timeout' : 'zendesk_network_error',
          `${method} ${new URL(uri).pathname}: ${(cause as Error).message}`,
          true,
          {
            status: null,
            body: null,
            requestId: null,
            cause,
          },
        );
      }
      if (!error.retryable || !repeatable || attempt > retry.retries) throw error;
      governor.stats.retries++;
      const backoff = Math.random() * Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** (attempt - 1));
      const delay = retryAfter !== undefined ? retryAfter * 1000 : backoff;
      options.logger?.debug(
        { method, path: new URL(uri).pathname, attempt, delayMs: Math.round(delay), code: error.code },
        'retrying Zendesk call',
      );
      await sleep(delay);
    }
  };

  const responseAdapter = ({ response, requestIds }: Delivered): AdaptedResponse => ({
    json: () => response.json(),
    status: response.status,
    statusText: response.statusText,
    headers: { get: (name: string) => response.headers.get(name) },
    requestIds,
  });

  return { transportFn, responseAdapter };
}

function invalidToken(body: unknown, headers: Headers): boolean {
  const error = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
  return error === 'invalid_token' || /invalid_token/.test(headers.get('www-authenticate') ?? '');
}

/** A failed grant as the call's error (grant errors are ZendeskErrors; anything else, e.g. a broken store, too). */
function authFailure(cause: unknown): ZendeskError {
  if (cause instanceof ZendeskError) return cause;
  return new NetworkError('zendesk_auth_unavailable', `signing in: ${(cause as Error).message}`, true, {
    status: null,
    body: null,
    requestId: null,
  });
}
