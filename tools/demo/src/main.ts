// `npm start`. Without configuration: the whole system on embedded defaults, a scenario, a summary table, and
// it keeps running until Ctrl-C. With configuration (environment or .env): the consumer and the ingestion
// endpoint against the real Kafka cluster and Zendesk account, no scenario.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { renderTable } from './outcomes.js';
import { DEMO_TOKEN_SECONDS, runDemo, StartAborted } from './run-demo.js';
import { repoRoot, startConsumer, startService, type Service } from './services.js';

const say = (line: string) => process.stderr.write(`[zendesk-lifecycle] ${line}\n`);

// Ctrl-C (SIGINT) or SIGTERM, from the first line on. The handlers stay installed: the broker runs in its own
// process group, so this process must live until it has stopped it and removed its data, whether the signal
// comes during start-up or twice (through `npm start`, the terminal and scripts/run.mjs both deliver it).
const interrupted = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (!interrupted.signal.aborted) say('stopping...');
    interrupted.abort();
  });
}
function untilSignal(): Promise<void> {
  if (interrupted.signal.aborted) return Promise.resolve();
  return new Promise((resolve) => interrupted.signal.addEventListener('abort', () => resolve()));
}

async function embedded(): Promise<void> {
  say('no Zendesk configured: running the demo on embedded defaults (local Kafka + Zendesk sandbox)');
  const demo = await runDemo({ say, signal: interrupted.signal });
  process.stdout.write(`\nWhat happened, per event:\n\n${renderTable(demo.rows.map((r) => ({ ...r })))}\n`);
  process.stdout.write(`\n${demo.confirmationSummary}\n`);
  process.stdout.write(`\nDead-letter topic (${demo.deadLetters.length}):\n`);
  for (const d of demo.deadLetters) process.stdout.write(`  ${d.reason}: ${d.error}\n`);
  process.stdout.write(
    `\nOAuth: ${demo.sandbox.oauth.grants.client_credentials} access tokens granted to the consumer so far ` +
      `(each lives ${DEMO_TOKEN_SECONDS} s here; the first sign-in, then one renewal per expiry)\n`,
  );
  process.stdout.write(`
Audit tickets live in the sandbox: ${demo.sandbox.baseUrl}/tickets?external_id=... or GET ${demo.sandbox.url}/__sandbox/state
Logs of the consumer and the ingestion endpoint: ${demo.logDir}
Audit report of this run (open it in a browser): ${demo.auditReport}

Send more events (still running; Ctrl-C stops everything):
  curl -X POST ${demo.ingestUrl} \\
    -H 'authorization: Bearer ${demo.ingestToken}' -H 'content-type: application/cloudevents+json' \\
    -d '{"specversion":"1.0","id":"my-1","source":"me","type":"lifecycle.access_revoked.v1","data":{"user":{"email":"alex@acme.test"}}}'
  KAFKA_BROKERS=${demo.kafkaBrokers} ZENDESK_BASE_URL=${demo.sandbox.url} ZENDESK_OAUTH_CLIENT_ID=${demo.sandbox.credentials.oauthClientId} ZENDESK_OAUTH_CLIENT_SECRET=${demo.sandbox.credentials.oauthClientSecret} \\
    npm run producer -- publish --type lifecycle.license_reclaim.v1 --user-email luis@acme.test
`);
  await untilSignal();
  await demo.stop();
  say('stopped');
}

async function configured(): Promise<void> {
  const missing: string[] = [];
  if (!process.env.KAFKA_BROKERS) missing.push('KAFKA_BROKERS (the Kafka cluster, host:port[,host:port])');
  const oauthClient = process.env.ZENDESK_OAUTH_CLIENT_ID && process.env.ZENDESK_OAUTH_CLIENT_SECRET;
  const legacy =
    process.env.ZENDESK_OAUTH_TOKEN || (process.env.ZENDESK_EMAIL && process.env.ZENDESK_API_TOKEN);
  if (!oauthClient && !legacy) {
    missing.push(
      'ZENDESK_OAUTH_CLIENT_ID + ZENDESK_OAUTH_CLIENT_SECRET (an OAuth client; legacy: ZENDESK_OAUTH_TOKEN, or ZENDESK_EMAIL + ZENDESK_API_TOKEN)',
    );
  }
  // The ingestion service checks the credentials itself; here only that some are named.
  if (!process.env.INGEST_TOKEN && !process.env.INGEST_HMAC_SECRET && !process.env.POLICY_FILE)
    missing.push('INGEST_TOKEN or INGEST_HMAC_SECRET, or named principals in POLICY_FILE');
  if (missing.length > 0) {
    say(
      `Zendesk is configured, so this is a real run, but some settings are missing:\n${missing.map((m) => `  - ${m}`).join('\n')}`,
    );
    process.exit(2);
  }
  if (process.env.ALLOW_IRREVERSIBLE !== 'true')
    say('irreversible actions are off (ALLOW_IRREVERSIBLE=true enables permanent deletion)');
  const logDir = join(repoRoot, '.cache', 'run');
  const services: Service[] = [];
  const opsPort = process.env.OPS_PORT ?? '9464';
  const ingestPort = process.env.INGEST_PORT ?? '8080';
  services.push(
    await startConsumer({ name: 'consumer', opsPort: Number(opsPort), probe: 'healthz', env: {}, logDir }),
  );
  if (!interrupted.signal.aborted)
    services.push(
      await startService({
        name: 'ingestion',
        entry: 'apps/producer/src/cli.ts',
        args: ['serve'],
        env: {},
        logDir,
        readyUrl: `http://127.0.0.1:${ingestPort}/healthz`,
      }),
    );
  say(`consumer and ingestion running (logs in ${logDir}); Ctrl-C stops them`);
  await untilSignal();
  for (const s of services.reverse()) await s.stop();
}

if (existsSync(join(repoRoot, '.env'))) process.loadEnvFile(join(repoRoot, '.env'));
const real = Boolean(process.env.ZENDESK_SUBDOMAIN || process.env.ZENDESK_BASE_URL);
(real ? configured() : embedded()).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof StartAborted) {
      say('stopped');
      process.exit(130);
    }
    say(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
