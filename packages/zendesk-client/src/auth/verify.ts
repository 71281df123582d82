// The start-up check: sign in once, compare the granted scopes with what the service needs, and ask Zendesk who
// we are. Any refusal becomes one error that names the setting and repeats what Zendesk said; nothing is retried
// beyond the transport's usual handful for network trouble.
import type { ZendeskApi } from '../api/zendesk-api.js';
import { settingName, type ZendeskConfig } from '../config.js';
import { Forbidden, Unauthorized } from '../errors.js';
import { authWarnings } from './from-config.js';
import type { AuthKind } from './providers.js';

/** What `verifyAuth()` found: how the client signed in, as whom, with which scopes. */
export interface AuthCheck {
  kind: AuthKind;
  user: { id: number; email: string | null; role: string | null };
  /** Scopes Zendesk granted (OAuth grants), or null when unknown (static token, API token). */
  scopes: string[] | null;
  warnings: string[];
}

/** The start-up check failed: fix the named setting; retrying will not help. */
export class ZendeskAuthFailed extends Unauthorized {}

/** Whether `granted` covers `needed` ("read" covers "users:read"). */
export function missingScopes(granted: string[], needed: string[]): string[] {
  return needed.filter(
    (n) => !granted.includes(n) && !(n.includes(':') && granted.includes(n.split(':')[1]!)),
  );
}

/** Names the credential a configuration uses, for messages (never the secret itself). */
export function credentialLabel(config: ZendeskConfig): string {
  const name = (field: Parameters<typeof settingName>[1]) => settingName(config, field);
  switch (config.authKind) {
    case 'client_credentials':
      return `${name('oauthClientId')} + ${name('oauthClientSecret')}`;
    case 'refresh_token':
      return name('oauthRefreshToken');
    case 'static_oauth':
      return name('oauthToken');
    case 'api_token':
      return `${name('email')} + ${name('apiToken')}`;
  }
}

const failed = (message: string, status: number | null = null, body: unknown = null) =>
  new ZendeskAuthFailed('zendesk_auth_failed', message, false, { status, body, requestId: null });

export async function verifyAuth(api: ZendeskApi, needs: string[] = ['read', 'write']): Promise<AuthCheck> {
  const config = api.config;
  const label = credentialLabel(config);
  await api.auth.authorization();
  const scopes = api.auth.grantedScopes();
  const missing = scopes ? missingScopes(scopes, needs) : [];
  if (missing.length > 0)
    throw failed(
      `${settingName(config, 'oauthScopes')}: Zendesk granted "${scopes!.join(' ')}", but this service needs ` +
        `"${needs.join(' ')}" (missing: ${missing.join(', ')})`,
    );
  let user: { id?: number | null; email?: string | null; role?: string | null } | undefined;
  try {
    user = (await api.me<typeof user>()).body;
  } catch (error) {
    if (error instanceof Unauthorized)
      throw failed(`Zendesk refused ${label}: ${error.message}`, error.status, error.body);
    if (error instanceof Forbidden)
      throw failed(
        `Zendesk refused GET /users/me signed in with ${label} (${error.message}): ` +
          `the credentials lack the scope users:read (or read)`,
        error.status,
        error.body,
      );
    throw error;
  }
  if (typeof user?.id !== 'number')
    throw failed(`Zendesk took ${label} for an anonymous caller: the credentials were not accepted`);
  return {
    kind: config.authKind,
    user: { id: user.id, email: user.email ?? null, role: user.role ?? null },
    scopes,
    warnings: authWarnings(config),
  };
}
