// One token request to Zendesk's {origin}/oauth/tokens (OpenAPI: /oauth/tokens). A refusal (wrong secret, revoked
// client, used refresh token, scope not allowed) is final and says which setting and what Zendesk answered;
// only a network failure, a 5xx or a 429 is tried again, a few times. No secret ever goes into an error.
import { setTimeout as sleep } from 'node:timers/promises';
import { errorFromResponse, NetworkError, Unauthorized, type ZendeskError } from '../errors.js';

/** What Zendesk's `/oauth/tokens` answers to a grant. */
export interface TokenReply {
  access_token: string;
  token_type?: string;
  scope?: string;
  expires_in?: number | null;
  refresh_token?: string;
  refresh_token_expires_in?: number;
}

/** Zendesk refused a grant: retrying will not help until someone changes the named setting. */
export class OAuthGrantRefused extends Unauthorized {}

export interface GrantOptions {
  timeoutMs: number;
  /** What the request is made with, for messages: e.g. "ZENDESK_OAUTH_CLIENT_ID + ZENDESK_OAUTH_CLIENT_SECRET". */
  label: string;
  /** Extra advice appended to a refusal. */
  hint?: (error: string) => string;
  attempts?: number;
}

function describeRefusal(body: unknown, status: number): { error: string; text: string } {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const error = typeof b.error === 'string' ? b.error : `HTTP ${status}`;
  const detail = typeof b.error_description === 'string' ? b.error_description : b.description;
  return { error, text: typeof detail === 'string' ? `${error} (${detail})` : error };
}

/** Asks Zendesk's `/oauth/tokens` for an access token (client credentials or refresh token grant); throws `OAuthGrantRefused` when refused. */
export async function requestToken(
  origin: string,
  body: Record<string, string>,
  options: GrantOptions,
): Promise<TokenReply> {
  const attempts = options.attempts ?? 4;
  for (let attempt = 1; ; attempt++) {
    let error: ZendeskError;
    let retryAfter: number | undefined;
    try {
      const res = await fetch(`${origin}/oauth/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON: described by status only */
      }
      const requestId = res.headers.get('x-request-id');
      const reply = parsed as Partial<TokenReply> | null;
      if (res.ok && typeof reply?.access_token === 'string') return reply as TokenReply;
      if (res.status === 400 || res.status === 401 || res.status === 403) {
        const { error: code, text: said } = describeRefusal(parsed, res.status);
        const hint = options.hint?.(code);
        throw new OAuthGrantRefused(
          'zendesk_oauth_refused',
          `Zendesk refused the OAuth token request made with ${options.label}: ${said}${hint ? `. ${hint}` : ''}`,
          false,
          { status: res.status, body: parsed, requestId },
        );
      }
      const header = res.headers.get('retry-after');
      retryAfter = header !== null && Number.isFinite(Number(header)) ? Number(header) : undefined;
      error = res.ok
        ? errorFromResponse(
            502,
            { error: 'NoAccessToken', description: 'no access_token in the reply' },
            requestId,
          )
        : errorFromResponse(res.status, res.status >= 500 ? null : parsed, requestId, retryAfter);
    } catch (cause) {
      if (cause instanceof OAuthGrantRefused) throw cause;
      error = new NetworkError(
        'zendesk_network_error',
        `POST /oauth/tokens: ${(cause as Error).message}`,
        true,
        { status: null, body: null, requestId: null },
      );
    }
    if (!error.retryable || attempt >= attempts) throw error;
    const backoff = Math.random() * Math.min(8_000, 250 * 2 ** attempt);
    await sleep(retryAfter !== undefined ? retryAfter * 1000 : backoff);
  }
}
