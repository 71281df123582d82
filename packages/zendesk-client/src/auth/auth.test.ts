// Signing in against the sandbox over real HTTP (docs/zendesk-rules.md §10; OpenAPI /oauth/tokens): client credentials,
// renewal when a token is revoked, the refresh-token grant across a restart and across instances, refusals at
// start-up (wrong secret, narrow scopes) without a retry storm, warnings, and no secret in logs or errors.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { createZendeskClient, zendeskConfigFromEnv, type ClientLogger } from '../index.js';

const SECRET = 'svc-secret-5f1e2d';
let sandbox: RunningSandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({
    seed: 'demo',
    rpm: 0,
    oauthClients: [
      { identifier: 'svc', secret: SECRET, scopes: ['read', 'write'] },
      { identifier: 'narrow', secret: 'narrow-secret', scopes: ['users:read'] },
    ],
  });
  dir = await mkdtemp(join(tmpdir(), 'zendesk-auth-'));
});
afterAll(async () => {
  await sandbox.stop();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  sandbox.oauth.accessTokenSeconds = 1800;
  sandbox.apiTokensRetired = false;
});

/** A client configured from ZENDESK_* as the apps do, with a logger that keeps every line. */
function clientFrom(env: Record<string, string>, lines: string[] = []) {
  const logger: ClientLogger = {
    debug: (o, m) => void lines.push(JSON.stringify([o, m])),
    info: (o, m) => void lines.push(JSON.stringify([o, m])),
    warn: (o, m) => void lines.push(JSON.stringify([o, m])),
    error: (o, m) => void lines.push(JSON.stringify([o, m])),
  };
  const config = zendeskConfigFromEnv({ ZENDESK_BASE_URL: sandbox.url, ...env });
  return createZendeskClient({
    ...config,
    logger,
    retry: { retries: 3, initialDelayMs: 10, maxDelayMs: 50 },
  });
}

const clientCredentials = { ZENDESK_OAUTH_CLIENT_ID: 'svc', ZENDESK_OAUTH_CLIENT_SECRET: SECRET };
const tokenRequests = () => sandbox.state.requestLog.filter((r) => r.path === '/oauth/tokens').length;
const me = (c: ReturnType<typeof clientFrom>) => c.currentUser();

describe('client credentials', () => {
  it('signs in at {origin}/oauth/tokens and tells who it is', async () => {
    const check = await clientFrom(clientCredentials).verifyAuth();
    expect(check).toMatchObject({ kind: 'client_credentials', scopes: ['read', 'write'], warnings: [] });
    expect(check.user.email).toBe(sandbox.credentials.email);
  });

  it('renews once for all calls when the token is revoked under them, and repeats each call once', async () => {
    const client = clientFrom(clientCredentials);
    await me(client);
    const grants = sandbox.oauth.grants.client_credentials;
    sandbox.reset('demo'); // a clean request log
    expect(sandbox.oauth.revoke()).toBeGreaterThan(0);
    const replies = await Promise.all(Array.from({ length: 10 }, () => me(client)));
    expect(replies.every((r) => r.id > 0)).toBe(true);
    expect(sandbox.oauth.grants.client_credentials).toBe(grants + 1);
    const statuses = sandbox.state.requestLog
      .filter((r) => r.path.startsWith('/api/v2/users/me'))
      .map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
  });

  it('stops at start-up with one clear message on a wrong secret, after one token request', async () => {
    sandbox.reset('demo');
    const lines: string[] = [];
    const client = clientFrom(
      { ...clientCredentials, ZENDESK_OAUTH_CLIENT_SECRET: 'wrong-secret-77' },
      lines,
    );
    const error = (await client.verifyAuth().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/ZENDESK_OAUTH_CLIENT_ID \+ ZENDESK_OAUTH_CLIENT_SECRET.*invalid_client/);
    expect(tokenRequests()).toBe(1);
    // A call made anyway fails fast with the same refusal; still no storm of token requests.
    await expect(me(client)).rejects.toThrow(/invalid_client/);
    expect(tokenRequests()).toBe(2);
    const seen = [error.message, error.stack, JSON.stringify(error), ...lines].join('\n');
    expect(seen).not.toContain('wrong-secret-77');
  });

  it('names the scope when the allowed scopes are too narrow, and when the granted ones are', async () => {
    const narrow = { ZENDESK_OAUTH_CLIENT_ID: 'narrow', ZENDESK_OAUTH_CLIENT_SECRET: 'narrow-secret' };
    await expect(clientFrom(narrow).verifyAuth()).rejects.toThrow(
      /invalid_scope.*ZENDESK_OAUTH_SCOPES is "read write"/,
    );
    await expect(clientFrom({ ...narrow, ZENDESK_OAUTH_SCOPES: 'users:read' }).verifyAuth()).rejects.toThrow(
      /ZENDESK_OAUTH_SCOPES: Zendesk granted "users:read", but this service needs "read write" \(missing: read, write\)/,
    );
    const reader = await clientFrom({ ...narrow, ZENDESK_OAUTH_SCOPES: 'users:read' }).verifyAuth([
      'users:read',
    ]);
    expect(reader.scopes).toEqual(['users:read']);
  });
});

describe('refresh token', () => {
  const refreshEnv = (file: string, token: string) => ({
    ...clientCredentials,
    ZENDESK_OAUTH_REFRESH_TOKEN: token,
    ZENDESK_OAUTH_TOKEN_FILE: file,
  });

  it('keeps the rotated refresh token in the file, so a restarted client signs in again', async () => {
    const file = join(dir, 'restart', 'zendesk-oauth.json');
    const first = sandbox.oauth.issueRefresh('svc', ['read', 'write']).token;
    const a = clientFrom(refreshEnv(file, first));
    expect((await a.verifyAuth()).kind).toBe('refresh_token');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // Zendesk has replaced the configured token: using it again is refused.
    const reuse = await fetch(`${sandbox.url}/oauth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'refresh_token',
        refresh_token: first,
        client_id: 'svc',
        client_secret: SECRET,
      }),
    });
    expect(reuse.status).toBe(400);
    // The access token dies; the next refresh rotates again.
    sandbox.oauth.revoke();
    await me(a);
    const refreshes = sandbox.oauth.grants.refresh_token;
    // "Restart": a new client with the same (now stale) configured token reads the file and carries on.
    const b = clientFrom(refreshEnv(file, first));
    expect((await me(b)).id).toBeGreaterThan(0);
    expect(sandbox.oauth.grants.refresh_token).toBe(refreshes); // it reused the stored access token
    sandbox.oauth.revoke();
    expect((await me(b)).id).toBeGreaterThan(0);
    expect(sandbox.oauth.grants.refresh_token).toBe(refreshes + 1);
  });

  it('lets several instances share one token pair across expiries without failures', async () => {
    sandbox.oauth.accessTokenSeconds = 2;
    const file = join(dir, 'shared', 'zendesk-oauth.json');
    const seed = sandbox.oauth.issueRefresh('svc', ['read', 'write']).token;
    const instances = [0, 1, 2].map(() => clientFrom(refreshEnv(file, seed)));
    const before = sandbox.oauth.grants.refresh_token;
    let failures = 0;
    let calls = 0;
    const until = Date.now() + 7_000;
    await Promise.all(
      instances.flatMap((c) =>
        Array.from({ length: 4 }, async () => {
          while (Date.now() < until) {
            await me(c).then(
              () => calls++,
              () => failures++,
            );
            await new Promise((r) => setTimeout(r, 20));
          }
        }),
      ),
    );
    expect(failures).toBe(0);
    expect(calls).toBeGreaterThan(100);
    // About one refresh per 1.6 s (renewal at 80% of 2 s) for all instances together, not one per instance.
    const refreshes = sandbox.oauth.grants.refresh_token - before;
    expect(refreshes).toBeGreaterThanOrEqual(3);
    expect(refreshes).toBeLessThanOrEqual(8);
  }, 20_000);

  it('needs a place to keep the token', () => {
    expect(() =>
      zendeskConfigFromEnv({
        ZENDESK_BASE_URL: sandbox.url,
        ...clientCredentials,
        ZENDESK_OAUTH_REFRESH_TOKEN: 'r',
      }),
    ).toThrow(/ZENDESK_OAUTH_TOKEN_FILE: required with ZENDESK_OAUTH_REFRESH_TOKEN/);
  });
});

describe('legacy credentials', () => {
  it('warns about a static OAuth token and an API token, naming the dates', async () => {
    const staticToken = clientFrom({ ZENDESK_OAUTH_TOKEN: sandbox.credentials.oauthToken });
    expect((await staticToken.verifyAuth()).warnings.join()).toMatch(/ZENDESK_OAUTH_TOKEN .*expire/);
    const apiToken = clientFrom({
      ZENDESK_EMAIL: sandbox.credentials.email,
      ZENDESK_API_TOKEN: sandbox.credentials.token,
    });
    expect(apiToken.authWarnings().join()).toMatch(/2027-04-30.*unused for 30 days/);
  });

  it('says which variables Zendesk refused once API tokens are retired', async () => {
    sandbox.apiTokensRetired = true;
    const client = clientFrom({
      ZENDESK_EMAIL: sandbox.credentials.email,
      ZENDESK_API_TOKEN: sandbox.credentials.token,
    });
    await expect(client.verifyAuth()).rejects.toThrow(
      /Zendesk refused ZENDESK_EMAIL \+ ZENDESK_API_TOKEN: Zendesk 401 Couldn't authenticate you/,
    );
    expect(await client.ping()).toBe(false);
  });
});

describe('secrets', () => {
  it('never shows the client secret or a token in a log line or an error', async () => {
    const lines: string[] = [];
    const errors: unknown[] = [];
    const file = join(dir, 'secrets', 'zendesk-oauth.json');
    const seed = sandbox.oauth.issueRefresh('svc', ['read', 'write']).token;
    for (const env of [
      clientCredentials,
      { ...clientCredentials, ZENDESK_OAUTH_REFRESH_TOKEN: seed, ZENDESK_OAUTH_TOKEN_FILE: file },
    ]) {
      const client = clientFrom(env, lines);
      await client.verifyAuth();
      sandbox.oauth.revoke();
      await me(client);
      sandbox.faults.set({ route: 'GET /users/:id', errorRate: 1, status: 500 });
      await client.getUser(1).catch((e: unknown) => errors.push(e));
      sandbox.faults.clear();
    }
    sandbox.oauth.revoke();
    sandbox.oauth.deleteClient('svc');
    await me(clientFrom(clientCredentials, lines)).catch((e: unknown) => errors.push(e));
    await clientFrom(
      { ...clientCredentials, ZENDESK_OAUTH_REFRESH_TOKEN: seed, ZENDESK_OAUTH_TOKEN_FILE: file },
      lines,
    )
      .verifyAuth()
      .catch((e: unknown) => errors.push(e));
    sandbox.oauth.setClient({ identifier: 'svc', secret: SECRET, scopes: ['read', 'write'] });
    expect(errors).toHaveLength(4); // two 500s, then the deleted client refused to both grants
    expect(lines.length).toBeGreaterThan(0);
    const seen = [
      ...lines,
      ...errors.flatMap((e) => [String(e), (e as Error).stack, JSON.stringify(e)]),
    ].join('\n');
    expect(seen).not.toContain(SECRET);
    expect(seen).not.toContain(seed);
    expect(seen).not.toMatch(/[0-9a-f]{64}/); // the sandbox's access and refresh tokens
  });
});
