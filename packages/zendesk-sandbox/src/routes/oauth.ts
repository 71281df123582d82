// POST {origin}/oauth/tokens (OpenAPI: /oauth/tokens, "Create Token for Grant Type"): the client-credentials and
// refresh-token grants, with the body as JSON or form-encoded and the client in the body or in a Basic header.
// Errors are the OAuth 2.0 ones Zendesk's token endpoint answers with: {error, error_description}.
import { HttpError, send, type Ctx } from '../http.js';
import type { OAuthState } from '../oauth-state.js';

const oauthError = (status: number, error: string, description: string) =>
  new HttpError(status, { error, error_description: description });

const invalidClient = () =>
  oauthError(
    401,
    'invalid_client',
    'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
  );
const invalidGrant = () =>
  oauthError(
    400,
    'invalid_grant',
    'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
  );
const invalidScope = () =>
  oauthError(400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed.');

const SCOPE = /^(?:read|write|impersonate|[a-z_]+:(?:read|write))$/;

function parseBody(ctx: Ctx): Record<string, string> {
  const type = String(ctx.req.headers['content-type'] ?? '');
  if (type.includes('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(ctx.rawBody));
  try {
    const parsed: unknown = ctx.rawBody ? JSON.parse(ctx.rawBody) : {};
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    return Object.fromEntries(
      Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
  } catch {
    throw oauthError(400, 'invalid_request', 'The request body is neither JSON nor form-encoded.');
  }
}

/** The client's identifier and secret, from the body or from an HTTP Basic header (RFC 6749 2.3.1). */
function clientOf(ctx: Ctx, body: Record<string, string>): { id: string; secret: string } {
  const header = ctx.req.headers.authorization ?? '';
  if (header.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0)
      return {
        id: decodeURIComponent(decoded.slice(0, colon)),
        secret: decodeURIComponent(decoded.slice(colon + 1)),
      };
  }
  return { id: body.client_id ?? '', secret: body.client_secret ?? '' };
}

/** Whether `allowed` covers `wanted`: "read" covers "users:read"; "users:read" covers only itself. */
const covers = (allowed: string[], wanted: string) =>
  allowed.includes(wanted) || (wanted.includes(':') && allowed.includes(wanted.split(':')[1]!));

function lifetime(body: Record<string, string>, fallback: number): number {
  if (body.expires_in === undefined) return fallback;
  const seconds = Number(body.expires_in);
  // OpenAPI: "Must be more than 300 seconds (5 minutes) and less than 172,800 seconds (2 days)".
  if (!Number.isInteger(seconds) || seconds <= 300 || seconds >= 172_800)
    throw oauthError(400, 'invalid_request', 'expires_in must be between 300 and 172800 seconds.');
  return seconds;
}

export function tokenEndpoint(ctx: Ctx, oauth: OAuthState): void {
  try {
    if (ctx.method !== 'POST')
      throw new HttpError(404, { error: 'InvalidEndpoint', description: 'Not found' });
    const body = parseBody(ctx);
    const { id, secret } = clientOf(ctx, body);
    const client = oauth.clients.get(id);
    if (!client || client.secret !== secret) throw invalidClient();
    const seconds = lifetime(body, oauth.accessTokenSeconds);
    if (body.grant_type === 'client_credentials') {
      const scopes = body.scope?.trim() ? body.scope.trim().split(/\s+/) : client.scopes;
      if (!scopes.every((s) => SCOPE.test(s) && covers(client.scopes, s))) throw invalidScope();
      const token = oauth.issueAccess(client.identifier, scopes, seconds);
      oauth.grants.client_credentials++;
      return send(ctx, 200, {
        access_token: token.token,
        token_type: 'bearer',
        scope: scopes.join(' '),
        expires_in: seconds,
      });
    }
    if (body.grant_type === 'refresh_token') {
      const used = body.refresh_token ? oauth.takeRefresh(body.refresh_token, client.identifier) : undefined;
      if (!used) throw invalidGrant();
      const scopes = body.scope?.trim() ? body.scope.trim().split(/\s+/) : used.scopes;
      if (!scopes.every((s) => covers(used.scopes, s))) throw invalidScope();
      const token = oauth.issueAccess(client.identifier, scopes, seconds);
      const next = oauth.issueRefresh(client.identifier, used.scopes, token.token);
      oauth.grants.refresh_token++;
      return send(ctx, 200, {
        access_token: token.token,
        token_type: 'bearer',
        scope: scopes.join(' '),
        expires_in: seconds,
        refresh_token: next.token,
        refresh_token_expires_in: oauth.refreshTokenSeconds,
      });
    }
    throw oauthError(
      400,
      'unsupported_grant_type',
      'The authorization grant type is not supported by the authorization server.',
    );
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    oauth.grants.refused++;
    send(ctx, error.status, error.body, error.headers);
  }
}
