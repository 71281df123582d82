// Authentication as Zendesk does it today (docs/zendesk-rules.md §10; OpenAPI /oauth/tokens): grants, expiry,
// revocation, refresh-token rotation, scopes, retired API tokens, anonymous /users/me, last_login_at.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from './index.js';
import { api } from './testing/http-client.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({
    seed: 'demo',
    rpm: 0,
    oauthClients: [
      { identifier: 'svc', secret: 'svc-secret', scopes: ['read', 'write'] },
      { identifier: 'narrow', secret: 'narrow-secret', scopes: ['users:read'] },
    ],
  });
});
afterAll(() => sandbox.stop());
afterEach(() => {
  sandbox.oauth.accessTokenSeconds = 1800;
  sandbox.apiTokensRetired = false;
});

const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

async function grant(body: Record<string, string>, form = false, headers: Record<string, string> = {}) {
  const res = await fetch(`${sandbox.url}/oauth/tokens`, {
    method: 'POST',
    headers: {
      'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
      ...headers,
    },
    body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read replies loosely
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const clientCredentials = (scope?: string) =>
  grant({
    grant_type: 'client_credentials',
    client_id: 'svc',
    client_secret: 'svc-secret',
    ...(scope ? { scope } : {}),
  });

const me = (token: string) => api(sandbox, `Bearer ${token}`)('GET', '/users/me.json');

const INVALID_TOKEN = {
  error: 'invalid_token',
  error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.',
};

describe('POST /oauth/tokens, client credentials', () => {
  it('hands out an expiring bearer token, for JSON, form-encoded and Basic client authentication', async () => {
    const json = await clientCredentials('read write');
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ token_type: 'bearer', scope: 'read write', expires_in: 1800 });
    expect(json.body.refresh_token).toBeUndefined();
    const form = await grant(
      { grant_type: 'client_credentials', client_id: 'svc', client_secret: 'svc-secret' },
      true,
    );
    expect(form.body.scope).toBe('read write');
    const viaHeader = await grant({ grant_type: 'client_credentials' }, false, {
      authorization: basic('svc:svc-secret'),
    });
    for (const token of [json, form, viaHeader].map((r) => r.body.access_token as string)) {
      expect((await me(token)).body.user.email).toBe(sandbox.credentials.email);
    }
  });

  it('refuses a wrong secret, a scope beyond the allowed ones and an unknown grant type', async () => {
    const wrong = await grant({ grant_type: 'client_credentials', client_id: 'svc', client_secret: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
    const scope = await grant({
      grant_type: 'client_credentials',
      client_id: 'narrow',
      client_secret: 'narrow-secret',
      scope: 'users:read users:write',
    });
    expect(scope.status).toBe(400);
    expect(scope.body.error).toBe('invalid_scope');
    const password = await grant({ grant_type: 'password', client_id: 'svc', client_secret: 'svc-secret' });
    expect(password.body.error).toBe('unsupported_grant_type');
  });

  it('answers invalid_token with a Bearer challenge for expired, revoked and malformed tokens', async () => {
    sandbox.oauth.accessTokenSeconds = 1;
    const expiring = (await clientCredentials()).body.access_token as string;
    expect((await me(expiring)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const expired = await me(expiring);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual(INVALID_TOKEN);
    expect(expired.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);

    sandbox.oauth.accessTokenSeconds = 1800;
    const revoked = (await clientCredentials()).body.access_token as string;
    const admin = await fetch(`${sandbox.url}/__sandbox/oauth/revoke`, {
      method: 'POST',
      body: JSON.stringify({ token: revoked }),
    });
    expect(await admin.json()).toEqual({ revoked: 1 });
    expect((await me(revoked)).body).toEqual(INVALID_TOKEN);
    expect((await me('not-a-token')).body).toEqual(INVALID_TOKEN);
  });

  it('sets the lifetime through the admin API and counts grants', async () => {
    const before = sandbox.oauth.grants.client_credentials;
    const res = await fetch(`${sandbox.url}/__sandbox/oauth/lifetime`, {
      method: 'POST',
      body: JSON.stringify({ seconds: 20 }),
    });
    expect(((await res.json()) as { access_token_seconds: number }).access_token_seconds).toBe(20);
    expect((await clientCredentials()).body.expires_in).toBe(20);
    const summary = (await (await fetch(`${sandbox.url}/__sandbox/oauth`)).json()) as {
      grants: { client_credentials: number };
      clients: object[];
    };
    expect(summary.grants.client_credentials).toBe(before + 1);
    expect(JSON.stringify(summary.clients)).not.toContain('svc-secret');
  });
});

describe('POST /oauth/tokens, refresh token', () => {
  it('returns a new pair and invalidates the previous access and refresh tokens', async () => {
    const first = sandbox.oauth.issueRefresh('svc', ['read', 'write']).token;
    const refresh = (token: string) =>
      grant({
        grant_type: 'refresh_token',
        refresh_token: token,
        client_id: 'svc',
        client_secret: 'svc-secret',
      });
    const a = await refresh(first);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ token_type: 'bearer', refresh_token_expires_in: 30 * 24 * 3600 });
    expect(a.body.refresh_token).not.toBe(first);
    expect((await refresh(first)).body.error).toBe('invalid_grant');
    const b = await refresh(a.body.refresh_token as string);
    expect(b.status).toBe(200);
    expect((await me(a.body.access_token as string)).status).toBe(401);
    expect((await me(b.body.access_token as string)).status).toBe(200);
  });
});

describe('scopes', () => {
  it('lets a users:read token read users and nothing else (OpenAPI: "Forbidden" without the scope)', async () => {
    const token = (
      await grant({ grant_type: 'client_credentials', client_id: 'narrow', client_secret: 'narrow-secret' })
    ).body.access_token as string;
    const call = api(sandbox, `Bearer ${token}`);
    expect((await call('GET', `/users/${DEMO_PEOPLE.leaver.id}`)).status).toBe(200);
    const write = await call('PUT', `/users/${DEMO_PEOPLE.leaver.id}`, { user: { name: 'x' } });
    expect(write.status).toBe(403);
    expect(write.body.error).toBe('Forbidden');
    expect((await call('GET', '/tickets')).status).toBe(403);
  });
});

describe('API tokens and passwords', () => {
  it('answers /users/me anonymously without credentials or with a password, 401 for a wrong API token', async () => {
    for (const auth of ['', basic(`${sandbox.credentials.email}:some-password`)]) {
      const res = await api(sandbox, auth)('GET', '/users/me.json');
      expect(res.status).toBe(200);
      expect(res.body.user.name).toBe('Anonymous user');
      expect((await api(sandbox, auth)('GET', '/users.json')).status).toBe(401);
    }
    const wrong = await api(sandbox, basic(`${sandbox.credentials.email}/token:wrong`))('GET', '/users/me');
    expect(wrong.status).toBe(401);
  });

  it('refuses every API token once they are retired (docs/zendesk-rules.md §10: 2027-04-30)', async () => {
    expect((await api(sandbox)('GET', '/users/me')).status).toBe(200);
    await fetch(`${sandbox.url}/__sandbox/oauth/api-tokens`, {
      method: 'POST',
      body: JSON.stringify({ retired: true }),
    });
    const res = await api(sandbox)('GET', '/users/me');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: "Couldn't authenticate you" });
  });

  it('moves last_login_at of the API user on each API-token call (docs/zendesk-rules.md §1)', async () => {
    const owner = () => sandbox.state.findUserByEmail(sandbox.credentials.email)!;
    owner().last_login_at = '2020-01-01T00:00:00Z';
    await api(sandbox)('GET', '/users/me');
    expect(Date.parse(owner().last_login_at!)).toBeGreaterThan(Date.now() - 10_000);
  });
});
