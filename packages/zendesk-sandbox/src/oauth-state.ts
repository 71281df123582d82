// The account's OAuth side: registered clients (identifier, secret, allowed scopes), access tokens that expire,
// refresh tokens that are replaced on each use, revocation, and counters of grants for tests.
// Zendesk: S13 (expiry: 30 min default, 48 h max; refresh tokens 30 days) and the grant-type tokens page (a
// refresh "returns a new access token and refresh token while invalidating the previous access and refresh tokens").
import { randomBytes } from 'node:crypto';

/** An OAuth client registered in the sandbox: id, secret, allowed scopes. */
export interface OAuthClient {
  identifier: string;
  secret: string;
  /** Allowed scopes: the most a token of this client may carry ("read", "write", "users:read", ...). */
  scopes: string[];
}

export interface AccessToken {
  token: string;
  clientId: string;
  scopes: string[];
  /** Epoch ms; null never expires (a token made with the older /api/v2/oauth/tokens API). */
  expiresAt: number | null;
  revoked: boolean;
}

interface RefreshToken {
  token: string;
  clientId: string;
  scopes: string[];
  expiresAt: number;
  accessToken: string | null;
}

export type TokenCheck = { ok: true; token: AccessToken } | { ok: false };

/** The OAuth client every sandbox knows unless told otherwise (client credentials grant). */
export const DEFAULT_OAUTH_CLIENT: OAuthClient = {
  identifier: 'zendesk-lifecycle',
  secret: 'sandbox-oauth-client-secret',
  scopes: ['read', 'write'],
};

const newToken = () => randomBytes(32).toString('hex');

/** OAuth clients and the access and refresh tokens issued to them (expiry, revocation, scopes). */
export class OAuthState {
  readonly clients = new Map<string, OAuthClient>();
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, RefreshToken>();
  /** Lifetime of new access tokens, in seconds (Zendesk's default is 30 minutes). */
  accessTokenSeconds: number;
  refreshTokenSeconds = 30 * 24 * 3600;
  /** Grants answered with a token, per grant type; and refused token requests. */
  readonly grants = { client_credentials: 0, refresh_token: 0, refused: 0 };

  constructor(clients: OAuthClient[], accessTokenSeconds: number) {
    for (const c of clients) this.clients.set(c.identifier, { ...c, scopes: [...c.scopes] });
    this.accessTokenSeconds = accessTokenSeconds;
  }

  /** A token that never expires (a static token created long ago); it carries every scope. */
  addStaticToken(token: string): void {
    this.access.set(token, {
      token,
      clientId: '',
      scopes: ['read', 'write'],
      expiresAt: null,
      revoked: false,
    });
  }

  issueAccess(clientId: string, scopes: string[], seconds = this.accessTokenSeconds): AccessToken {
    const token: AccessToken = {
      token: newToken(),
      clientId,
      scopes,
      expiresAt: Date.now() + seconds * 1000,
      revoked: false,
    };
    this.access.set(token.token, token);
    return token;
  }

  /** A refresh token as the authorization-code flow would hand out (tests and the admin API use this). */
  issueRefresh(clientId: string, scopes: string[], accessToken: string | null = null): RefreshToken {
    const token = {
      token: newToken(),
      clientId,
      scopes,
      expiresAt: Date.now() + this.refreshTokenSeconds * 1000,
      accessToken,
    };
    this.refresh.set(token.token, token);
    return token;
  }

  /** Uses up a refresh token: the old refresh token and its access token stop working. */
  takeRefresh(token: string, clientId: string): RefreshToken | undefined {
    const found = this.refresh.get(token);
    if (!found || found.clientId !== clientId || found.expiresAt <= Date.now()) return undefined;
    this.refresh.delete(token);
    if (found.accessToken) this.access.delete(found.accessToken);
    return found;
  }

  check(token: string): TokenCheck {
    const found = this.access.get(token);
    if (!found || found.revoked) return { ok: false };
    if (found.expiresAt !== null && found.expiresAt <= Date.now()) return { ok: false };
    if (found.clientId && !this.clients.has(found.clientId)) return { ok: false };
    return { ok: true, token: found };
  }

  /** Revokes one access token, or every access token when none is named; returns how many. */
  revoke(token?: string): number {
    let count = 0;
    for (const t of this.access.values()) {
      if ((token === undefined ? t.clientId !== '' : t.token === token) && !t.revoked) {
        t.revoked = true;
        count++;
      }
    }
    return count;
  }

  /** Adds or replaces a client (a rotated secret refuses the old one from then on). */
  setClient(client: OAuthClient): void {
    this.clients.set(client.identifier, { ...client, scopes: [...client.scopes] });
  }

  /** Deletes a client: its tokens stop working, as when an admin deletes it in Admin Center. */
  deleteClient(identifier: string): boolean {
    for (const [key, r] of this.refresh) if (r.clientId === identifier) this.refresh.delete(key);
    return this.clients.delete(identifier);
  }

  /** Every access and refresh token issued so far (for tests that prove no token leaks into output). */
  issuedSecrets(): string[] {
    return [...this.access.keys(), ...this.refresh.keys()];
  }

  /** What the admin API shows: clients without secrets, token counts, the lifetime and the grant counters. */
  summary() {
    const now = Date.now();
    const live = [...this.access.values()].filter(
      (t) => !t.revoked && (t.expiresAt === null || t.expiresAt > now),
    );
    return {
      clients: [...this.clients.values()].map((c) => ({ identifier: c.identifier, scopes: c.scopes })),
      access_token_seconds: this.accessTokenSeconds,
      live_access_tokens: live.length,
      refresh_tokens: this.refresh.size,
      grants: { ...this.grants },
    };
  }
}
