// Token providers: what goes into the Authorization header of each attempt. Static ones (a legacy API token, a
// static OAuth token) never change; the OAuth grants (client credentials, refresh token) renew ahead of expiry,
// share one renewal among concurrent calls, and renew once more when Zendesk says a token is invalid.
import { requestToken, type GrantOptions, type TokenReply } from './grant.js';
import type { StoredGrant, TokenStore } from './token-store.js';

/** How a client signs in. */
export type AuthKind = 'client_credentials' | 'refresh_token' | 'static_oauth' | 'api_token';

/** What goes into the Authorization header of each attempt, renewed when needed. */
export interface AuthProvider {
  readonly kind: AuthKind;
  /** The Authorization header for the next attempt (obtains or renews a token when needed). */
  authorization(): Promise<string>;
  /** A call sent with `used` met 401 invalid_token: renews (once for all callers); true when a repeat may pass. */
  invalidated(used: string): Promise<boolean>;
  /** The scopes Zendesk granted, once a grant was made; null when not known. */
  grantedScopes(): string[] | null;
}

/** A header that never changes: a static OAuth token or a legacy API token. */
export class StaticAuth implements AuthProvider {
  constructor(
    readonly kind: 'static_oauth' | 'api_token',
    private readonly header: string,
  ) {}
  async authorization() {
    return this.header;
  }
  async invalidated() {
    return false;
  }
  grantedScopes() {
    return null;
  }
}

interface Current {
  header: string;
  renewAt: number;
  scopes: string[];
}

/** When to renew: before expiry by a fifth of the lifetime, at most a minute (30 min tokens: at 29 min). */
function renewAt(
  startedAt: number,
  expiresIn: number | null | undefined,
): { renewAt: number; expiresAt: number } {
  if (!expiresIn || expiresIn <= 0)
    return { renewAt: Number.POSITIVE_INFINITY, expiresAt: Number.POSITIVE_INFINITY };
  const lifetimeMs = expiresIn * 1000;
  return {
    renewAt: startedAt + lifetimeMs - Math.min(60_000, lifetimeMs / 5),
    expiresAt: startedAt + lifetimeMs,
  };
}

const scopesOf = (reply: TokenReply, asked: string) => (reply.scope ?? asked).split(/\s+/).filter(Boolean);

/** Shared by both grants: a current token, and one renewal in flight at a time. */
abstract class RenewingAuth implements AuthProvider {
  abstract readonly kind: AuthKind;
  protected current: Current | undefined;
  private pending: Promise<Current> | undefined;

  protected abstract obtain(stale: string | undefined): Promise<Current>;

  async authorization(): Promise<string> {
    if (this.current && Date.now() < this.current.renewAt) return this.current.header;
    return (await this.renew(undefined)).header;
  }

  async invalidated(used: string): Promise<boolean> {
    if (this.current && this.current.header !== used) return true;
    await this.renew(used);
    return true;
  }

  grantedScopes(): string[] | null {
    return this.current?.scopes ?? null;
  }

  private renew(stale: string | undefined): Promise<Current> {
    this.pending ??= this.obtain(stale)
      .then((c) => (this.current = c))
      .finally(() => (this.pending = undefined));
    return this.pending;
  }
}

/** OAuth client credentials grant: a token obtained and renewed before it expires, one renewal shared by concurrent calls. */
export class ClientCredentialsAuth extends RenewingAuth {
  readonly kind = 'client_credentials';

  constructor(
    private readonly origin: string,
    private readonly client: { id: string; secret: string; scopes: string },
    private readonly options: GrantOptions,
  ) {
    super();
  }

  protected async obtain(): Promise<Current> {
    const startedAt = Date.now();
    const reply = await requestToken(
      this.origin,
      {
        grant_type: 'client_credentials',
        client_id: this.client.id,
        client_secret: this.client.secret,
        scope: this.client.scopes,
      },
      this.options,
    );
    return {
      header: `Bearer ${reply.access_token}`,
      renewAt: renewAt(startedAt, reply.expires_in).renewAt,
      scopes: scopesOf(reply, this.client.scopes),
    };
  }
}

/**
 * The refresh-token grant. Every refresh replaces both tokens for everyone, so the pair lives in a store shared
 * by all instances: under the store's lock an instance re-reads it, uses a token another instance just got, and
 * refreshes only when the stored token is due (or is the one Zendesk has just refused).
 */
export class RefreshTokenAuth extends RenewingAuth {
  readonly kind = 'refresh_token';

  constructor(
    private readonly origin: string,
    private readonly client: { id: string; secret: string; scopes: string },
    /** The configured refresh token: the starting point, until the store holds a newer one grown from it. */
    private readonly seed: string,
    private readonly store: TokenStore,
    private readonly options: GrantOptions,
  ) {
    super();
  }

  protected obtain(stale: string | undefined): Promise<Current> {
    return this.store.withLock(async () => {
      const stored = await this.store.read();
      const state: StoredGrant =
        stored && stored.seed === this.seed
          ? stored
          : {
              seed: this.seed,
              refreshToken: this.seed,
              accessToken: null,
              expiresAt: 0,
              renewAt: 0,
              scope: '',
            };
      const header = state.accessToken ? `Bearer ${state.accessToken}` : undefined;
      if (header && header !== stale && Date.now() < state.renewAt)
        return { header, renewAt: state.renewAt, scopes: state.scope.split(/\s+/).filter(Boolean) };
      const startedAt = Date.now();
      const reply = await requestToken(
        this.origin,
        {
          grant_type: 'refresh_token',
          refresh_token: state.refreshToken,
          client_id: this.client.id,
          client_secret: this.client.secret,
        },
        this.options,
      );
      const times = renewAt(startedAt, reply.expires_in);
      const scope = reply.scope ?? this.client.scopes;
      await this.store.write({
        seed: this.seed,
        refreshToken: reply.refresh_token ?? state.refreshToken,
        accessToken: reply.access_token,
        expiresAt: Number.isFinite(times.expiresAt) ? times.expiresAt : Number.MAX_SAFE_INTEGER,
        renewAt: Number.isFinite(times.renewAt) ? times.renewAt : Number.MAX_SAFE_INTEGER,
        scope,
      });
      return {
        header: `Bearer ${reply.access_token}`,
        renewAt: times.renewAt,
        scopes: scopesOf(reply, scope),
      };
    });
  }
}
