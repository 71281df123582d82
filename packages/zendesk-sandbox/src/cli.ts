// `npm run sandbox -- --port 4010 --seed demo --email E --token T --rpm N [--users N --tickets M]`
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
    password: { type: 'string', default: DEFAULT_CREDENTIALS.password },
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
  password: values.password,
  oauthToken: values['oauth-token'],
  rpm: Number(values.rpm),
});
process.stdout.write(`Zendesk sandbox listening
  base URL:   ${sandbox.baseUrl}
  email:      ${sandbox.credentials.email}
  API token:  ${sandbox.credentials.token}
  password:   ${sandbox.credentials.password}
  OAuth:      ${sandbox.credentials.oauthToken}
  rate limit: ${values.rpm === '0' ? 'none' : `${values.rpm} requests per minute`}
  seed:       ${typeof seed === 'string' ? seed : `${seed.users} users, ${seed.tickets} tickets`}
  admin API:  ${sandbox.url}/__sandbox/state | /__sandbox/requests | /__sandbox/faults | POST /__sandbox/reset

  ZENDESK_BASE_URL=${sandbox.url} ZENDESK_EMAIL=${sandbox.credentials.email} ZENDESK_API_TOKEN=${sandbox.credentials.token}
Ctrl-C stops it.
`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void sandbox.stop().then(() => process.exit(0)));
}
