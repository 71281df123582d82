// The provider a configuration asks for, and the start-up warnings about credentials that will stop working.
// Dates: docs/zendesk-rules.md §10 (API tokens end 2027-04-30 and die after 30 idle days; OAuth tokens expire).
import { settingName, type ZendeskConfig } from '../config.js';
import { ClientCredentialsAuth, RefreshTokenAuth, StaticAuth, type AuthProvider } from './providers.js';
import { FileTokenStore } from './token-store.js';

/** The token provider a configuration asks for (OAuth client credentials, refresh token, static OAuth token or legacy API token). */
export function createAuth(config: ZendeskConfig): AuthProvider {
  const name = (field: Parameters<typeof settingName>[1]) => settingName(config, field);
  const client = {
    id: config.oauthClientId ?? '',
    secret: config.oauthClientSecret ?? '',
    scopes: config.oauthScopes,
  };
  const timeoutMs = config.timeoutMs;
  switch (config.authKind) {
    case 'client_credentials':
      return new ClientCredentialsAuth(config.origin, client, {
        timeoutMs,
        label: `${name('oauthClientId')} + ${name('oauthClientSecret')} (client "${client.id}")`,
        hint: (error) =>
          error === 'invalid_scope'
            ? `${name('oauthScopes')} is "${client.scopes}": the OAuth client's allowed scopes must include all of them`
            : error === 'invalid_client'
              ? `check ${name('oauthClientId')} and ${name('oauthClientSecret')}, and that the OAuth client still exists in Admin Center`
              : '',
      });
    case 'refresh_token': {
      const store = config.tokenStore ?? new FileTokenStore(config.oauthTokenFile!);
      return new RefreshTokenAuth(config.origin, client, config.oauthRefreshToken!, store, {
        timeoutMs,
        label: `the refresh token kept in ${store.description} (grown from ${name('oauthRefreshToken')}) and client "${client.id}"`,
        hint: (error) =>
          error === 'invalid_grant'
            ? `the refresh token was used up, revoked or has expired: set a new ${name('oauthRefreshToken')}`
            : '',
      });
    }
    case 'static_oauth':
      return new StaticAuth('static_oauth', `Bearer ${config.oauthToken}`);
    case 'api_token':
      return new StaticAuth(
        'api_token',
        `Basic ${Buffer.from(`${config.email}/token:${config.apiToken}`).toString('base64')}`,
      );
  }
}

/** What an operator should hear at start-up about these credentials (empty for OAuth grants). */
export function authWarnings(config: ZendeskConfig): string[] {
  const name = (field: Parameters<typeof settingName>[1]) => settingName(config, field);
  if (config.authKind === 'static_oauth')
    return [
      `${name('oauthToken')} is a static OAuth access token: Zendesk's access tokens expire (30 minutes by ` +
        `default, 48 hours at most) and this one cannot be renewed. Use ${name('oauthClientId')} + ` +
        `${name('oauthClientSecret')} instead.`,
    ];
  if (config.authKind === 'api_token')
    return [
      `${name('email')} + ${name('apiToken')} is a legacy API token: Zendesk turns every API token off on ` +
        `2027-04-30, deactivates a token unused for 30 days, and no account can create new ones. Use ` +
        `${name('oauthClientId')} + ${name('oauthClientSecret')} instead.`,
    ];
  return [];
}
