// `npm run sandbox -- --port 4010 --seed demo --email E --token T --rpm N [--users N --tickets M]
//   [--token-lifetime SECONDS] [--retire-api-tokens]`
import { parseArgs } from 'node:util';
import { DEFAULT_CREDENTIALS, startSandbox } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    seed: { type: 'string', default: 'demo' },
    users: { type: 'string' },
    tickets: { type: 'string' },
    email: { type: 'string', default: DEFAULT_CREDENTIALS.email },
    token: { type: 'string', default: DEFAULT_CREDENTIALS.token },
    'token-lifetime': { type: 'string', default: '1800' },
    'retire-api-tokens': { type: 'boolean', default: false },
    'oauth-token': { type: 'string', default: DEFAULT_CREDENTIALS.oauthToken },
    rpm: { type: 'string', default: '700' },
  },
});

const seed =
  values.users !== undefined || values.tickets !== undefined
    ? { users: Number(values.users ?? 0), tickets: Number(values.tickets ?? 0) }
    : values.seed === 'empty'
      ? ('empty' as const)
      : ('demo' as const);

const sandbox = await startSandbox({
  port: Number(values.port),
  host: values.host,
  seed,
  email: values.email,
  token: values.token,
  tokenLifetimeSeconds: Number(values['token-lifetime']),
  retireApiTokens: values['retire-api-tokens'],
  oauthToken: values['oauth-token'],
  rpm: Number(values.rpm),
});
process.stdout.write(`Zendesk sandbox listening
  base URL:   ${sandbox.baseUrl}
  OAuth client id:     ${sandbox.credentials.oauthClientId}
  OAuth client secret: ${sandbox.credentials.oauthClientSecret}
  access tokens live:  ${values['token-lifetime']} s (POST ${sandbox.url}/__sandbox/oauth/lifetime to change)
  email:      ${sandbox.credentials.email}
  API token:  ${values['retire-api-tokens'] ? 'retired (refused)' : `${sandbox.credentials.token} (legacy)`}
  static OAuth token: ${sandbox.credentials.oauthToken} (legacy, never expires)
  rate limit: ${values.rpm === '0' ? 'none' : `${values.rpm} requests per minute`}
  seed:       ${typeof seed === 'string' ? seed : `${seed.users} users, ${seed.tickets} tickets`}
  admin API:  ${sandbox.url}/__sandbox/state | /__sandbox/requests | /__sandbox/faults | /__sandbox/oauth | POST /__sandbox/reset

  ZENDESK_BASE_URL=${sandbox.url} ZENDESK_OAUTH_CLIENT_ID=${sandbox.credentials.oauthClientId} ZENDESK_OAUTH_CLIENT_SECRET=${sandbox.credentials.oauthClientSecret}
Ctrl-C stops it.
`);
// The handlers stay installed: through `npm run`, Ctrl-C delivers SIGINT twice (terminal and scripts/run.mjs).
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void sandbox.stop().then(() => process.exit(0));
  });
}
