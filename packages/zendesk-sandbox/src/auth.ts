// Zendesk's three ways in: API token (email/token:TOKEN), password (email:password), OAuth bearer token.
// The configured credentials belong to the API user; any other user may sign in with its email and the same
// API token (handy to test what an agent may not do).
import { HttpError, type Ctx } from './http.js';
import type { User } from './model.js';
import type { SandboxState } from './state.js';

export interface Credentials {
  email: string;
  token: string;
  password: string;
  oauthToken: string;
}

const unauthorized = () =>
  new HttpError(
    401,
    { error: "Couldn't authenticate you" },
    { 'www-authenticate': 'Basic realm="Web Password"' },
  );

export function authenticate(ctx: Ctx, state: SandboxState, credentials: Credentials): User {
  const header = ctx.req.headers.authorization ?? '';
  const apiUser = () => state.findUserByEmail(credentials.email);
  if (header.startsWith('Bearer ')) {
    if (header.slice(7) === credentials.oauthToken) return apiUser() ?? fail();
    return fail();
  }
  if (!header.startsWith('Basic ')) return fail();
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return fail();
  const login = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  if (login.endsWith('/token')) {
    const user = state.findUserByEmail(login.slice(0, -'/token'.length));
    if (user && secret === credentials.token && user.role !== 'end-user' && !user.suspended) return user;
    return fail();
  }
  if (login.toLowerCase() === credentials.email.toLowerCase() && secret === credentials.password)
    return apiUser() ?? fail();
  return fail();
}

function fail(): never {
  throw unauthorized();
}

export function requireAdmin(user: User): void {
  if (user.role !== 'admin') {
    throw new HttpError(403, {
      error: 'Forbidden',
      description:
        'You do not have access to this page. Please contact the account owner of this help desk for further help.',
    });
  }
}
