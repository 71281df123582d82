// Zendesk's ways in as of 2026 (docs/zendesk-rules.md §10): an OAuth bearer token (expiring, revocable, scoped), or an
// API token (email/token:TOKEN) until the account's tokens are retired. Passwords were removed on 2025-12-31: a
// password, like no credentials at all, makes an anonymous caller, whom only GET /users/me answers.
// The configured email is the API user; any agent or admin may sign in with its email and the same API token.
import { HttpError, type Ctx } from './http.js';
import type { User } from './model.js';
import type { OAuthState } from './oauth-state.js';
import type { SandboxState } from './state.js';

/** The API user's credentials the sandbox accepts. */
export interface Credentials {
  email: string;
  /** The account's API token (legacy: Zendesk turns every API token off on 2027-04-30). */
  token: string;
  /** A static OAuth access token that never expires (one made long ago with /api/v2/oauth/tokens). */
  oauthToken: string;
  /** The seeded OAuth client: the normal way in (client-credentials grant at {origin}/oauth/tokens). */
  oauthClientId: string;
  oauthClientSecret: string;
}

/** Who called: a user, or null for an anonymous caller; scopes is null when the caller is not OAuth. */
export interface Caller {
  user: User | null;
  scopes: string[] | null;
}

export const unauthorized = () =>
  new HttpError(
    401,
    { error: "Couldn't authenticate you" },
    { 'www-authenticate': 'Basic realm="Web Password"' },
  );

const INVALID_TOKEN =
  'The access token provided is expired, revoked, malformed or invalid for other reasons.';

/** docs/zendesk-rules.md §10 (fprimex/zdesk #58): the 401 for an expired, revoked or malformed OAuth token. */
const invalidToken = () =>
  new HttpError(
    401,
    { error: 'invalid_token', error_description: INVALID_TOKEN },
    {
      'www-authenticate': `Bearer realm="Doorkeeper", error="invalid_token", error_description="${INVALID_TOKEN}"`,
    },
  );

export function authenticate(
  ctx: Ctx,
  state: SandboxState,
  credentials: Credentials,
  oauth: OAuthState,
  apiTokensRetired: boolean,
): Caller {
  const header = ctx.req.headers.authorization ?? '';
  if (header.startsWith('Bearer ')) {
    const checked = oauth.check(header.slice(7).trim());
    const user = checked.ok ? state.findUserByEmail(credentials.email) : undefined;
    if (!checked.ok || !user) throw invalidToken();
    return { user, scopes: checked.token.scopes };
  }
  if (!header.startsWith('Basic ')) return { user: null, scopes: null };
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const login = colon < 0 ? decoded : decoded.slice(0, colon);
  if (!login.endsWith('/token')) return { user: null, scopes: null };
  const user = state.findUserByEmail(login.slice(0, -'/token'.length));
  const secret = decoded.slice(colon + 1);
  if (apiTokensRetired || colon < 0 || !user || secret !== credentials.token) throw unauthorized();
  if (user.role === 'end-user' || user.suspended) throw unauthorized();
  // docs/zendesk-rules.md §1: last_login_at moves "when the user ... made an API request using an API token".
  user.last_login_at = new Date().toISOString();
  return { user, scopes: null };
}

/** GET /users/me for an anonymous caller (OpenAPI: "Allowed For: Anonymous users"; docs/zendesk-rules.md §10, S19). */
export const ANONYMOUS_USER = { id: null, name: 'Anonymous user', role: 'end-user' };

const SCOPED_RESOURCES: Record<string, string> = {
  users: 'users',
  deleted_users: 'users',
  tickets: 'tickets',
  webhooks: 'webhooks',
};

/**
 * Refuses a call its OAuth token's scopes do not cover: GET needs read, other methods write, either for all
 * resources ("read") or for this one ("users:read"). OpenAPI (/api/v2/oauth/tokens): a token without the scope
 * gets a "Forbidden" error.
 */
export function requireScope(ctx: Ctx, scopes: string[] | null): void {
  if (scopes === null) return;
  const access = ctx.method === 'GET' || ctx.method === 'HEAD' ? 'read' : 'write';
  const resource = SCOPED_RESOURCES[ctx.path.split('/')[1] ?? ''];
  if (scopes.includes(access) || (resource && scopes.includes(`${resource}:${access}`))) return;
  throw forbidden();
}

const forbidden = () =>
  new HttpError(403, {
    error: 'Forbidden',
    description:
      'You do not have access to this page. Please contact the account owner of this help desk for further help.',
  });

export function requireAdmin(user: User): void {
  if (user.role !== 'admin') throw forbidden();
}
