// The acceptance run of issue 16: 20-second tokens, many concurrent calls for over three minutes (ten expiries),
// one token revoked half-way. Zero failed calls, and about one grant per expiry (not one per call). Against the
// sandbox over real HTTP (docs/zendesk-rules.md §10: OAuth access tokens expire and must be renewed).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { createZendeskClient, zendeskConfigFromEnv, type ListPath } from '../index.js';

const LIFETIME_S = 20;
const RUN_MS = 200_000;
const WORKERS = 24;

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({
    seed: 'demo',
    rpm: 0,
    tokenLifetimeSeconds: LIFETIME_S,
    logRequests: false,
  });
});
afterAll(() => sandbox.stop());

it(
  'crosses several token expiries and a revocation with zero failed calls and one grant per expiry',
  async () => {
    const statuses = new Map<string, number>();
    const client = createZendeskClient({
      ...zendeskConfigFromEnv({
        ZENDESK_BASE_URL: sandbox.url,
        ZENDESK_OAUTH_CLIENT_ID: sandbox.credentials.oauthClientId,
        ZENDESK_OAUTH_CLIENT_SECRET: sandbox.credentials.oauthClientSecret,
      }),
      onCall: ({ status }) => statuses.set(String(status), (statuses.get(String(status)) ?? 0) + 1),
    });
    await client.verifyAuth();
    /** One GET: the first page of a list. */
    const firstPage = (key: string, path: ListPath) => client.pages(key, path).next();
    const started = Date.now();
    let calls = 0;
    const failures: string[] = [];
    const revoke = setTimeout(() => sandbox.oauth.revoke(), RUN_MS / 2);
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, i) => {
        while (Date.now() - started < RUN_MS) {
          const call =
            i % 3 === 0
              ? client.currentUser()
              : i % 3 === 1
                ? firstPage('users', ['users', { 'page[size]': '10' }])
                : firstPage('tickets', ['tickets', { 'page[size]': '10' }]);
          await call.then(
            () => calls++,
            (e: Error) => failures.push(e.message),
          );
          await new Promise((r) => setTimeout(r, 10 + Math.random() * 40));
        }
      }),
    );
    clearTimeout(revoke);
    const elapsedS = (Date.now() - started) / 1000;
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(10_000);
    // Renewal comes at 80% of the lifetime (16 s): one grant per 16 s, plus the first and the revocation's.
    const grants = sandbox.oauth.grants.client_credentials;
    expect(grants).toBeGreaterThanOrEqual(Math.floor(elapsedS / LIFETIME_S) + 1);
    expect(grants).toBeLessThanOrEqual(Math.ceil(elapsedS / (LIFETIME_S * 0.8)) + 2);
    // The revocation: the calls in flight met 401 invalid_token, and each was repeated once.
    expect(statuses.get('401') ?? 0).toBeGreaterThan(0);
    expect(statuses.get('401')).toBeLessThanOrEqual(WORKERS);
  },
  RUN_MS + 60_000,
);
