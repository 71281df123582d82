// `npm run producer -- publish | serve | sync | scan-inactive`: the operator's commands.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  ACTIONS,
  ConfigError,
  EVENT_TYPES,
  isEventType,
  parseEventObject,
  describeParseError,
  createLifecycleEvent,
  type ActionName,
  type LifecycleEvent,
  type UserRef,
} from '@zendesk-lifecycle/core';
import {
  createKafka,
  createLogger,
  ensureTopics,
  loadPolicy,
  untilStopSignal,
} from '@zendesk-lifecycle/service-runtime';
import { createZendeskClient, Unauthorized, zendeskConfigFromEnv } from '@zendesk-lifecycle/zendesk-client';
import { producerSettingsFromEnv, publishingSettingsFromEnv } from './config.js';
import { startIngestServer } from './ingest/server.js';
import { zendeskWebhookEndpoint } from './ingest/zendesk-webhook/endpoint.js';
import { formatReport, formatSummary } from './output/report.js';
import { progress } from './output/progress.js';
import { renderTable as table } from '@zendesk-lifecycle/service-runtime';
import { createPublisher } from './publisher.js';
import { findInactive } from './scan/inactivity.js';
import { collectAccounts, syncAccounts, summarize } from './sync/sync.js';
import { auditReportCommand, AUDIT_REPORT_USAGE } from './audit-report/cli-command.js';
import { followAccounts } from './sync/follow-command.js';
import { ZENDESK_WEBHOOK_USAGE, zendeskWebhookCommand } from './zendesk-webhook/command.js';

class UsageError extends Error {}

const out = (text: string): void => void process.stdout.write(`${text}\n`);

function ref(prefix: string, v: Record<string, unknown>): UserRef | undefined {
  const r: UserRef = {};
  if (v[`${prefix}-id`]) r.id = Number(v[`${prefix}-id`]);
  if (v[`${prefix}-email`]) r.email = String(v[`${prefix}-email`]);
  if (v[`${prefix}-external-id`]) r.external_id = String(v[`${prefix}-external-id`]);
  return Object.keys(r).length > 0 ? r : undefined;
}

async function publishCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      type: { type: 'string' },
      'user-id': { type: 'string' },
      'user-email': { type: 'string' },
      'user-external-id': { type: 'string' },
      'transfer-to-id': { type: 'string' },
      'transfer-to-email': { type: 'string' },
      'transfer-to-external-id': { type: 'string' },
      actions: { type: 'string' },
      reason: { type: 'string' },
      'requested-by': { type: 'string' },
      source: { type: 'string', default: 'zendesk-lifecycle/cli' },
      file: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  let event: LifecycleEvent;
  if (values.file) {
    const parsed = parseEventObject(JSON.parse(readFileSync(values.file, 'utf8')));
    if (!parsed.ok) throw new UsageError(describeParseError(parsed.error));
    event = parsed.event;
  } else {
    if (!values.type || !isEventType(values.type))
      throw new UsageError(`--type must be one of ${EVENT_TYPES.join(', ')}`);
    const user = ref('user', values);
    if (!user) throw new UsageError('name the user: --user-id, --user-email or --user-external-id');
    const actions = values.actions?.split(',').map((a) => a.trim());
    if (actions?.some((a) => !(ACTIONS as readonly string[]).includes(a)))
      throw new UsageError(`--actions takes ${ACTIONS.join(', ')}`);
    const transferTo = ref('transfer-to', values);
    try {
      event = createLifecycleEvent({
        type: values.type,
        source: values.source!,
        user,
        ...(transferTo ? { transfer_to: transferTo } : {}),
        ...(actions ? { actions: actions as ActionName[] } : {}),
        ...(values.reason ? { reason: values.reason } : {}),
        ...(values['requested-by'] ? { requested_by: values['requested-by'] } : {}),
      });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  if (values['dry-run']) return out(JSON.stringify(event, null, 2));
  const settings = publishingSettingsFromEnv(process.env).kafka;
  const publisher = createPublisher(settings);
  await publisher.start();
  const [sent] = await publisher.publish([event]);
  await publisher.stop();
  out(`published ${event.type} ${sent!.id} (key ${sent!.key}) to ${settings.topics.events}`);
}

async function serveCommand(): Promise<void> {
  const { kafka: settings, logLevel, ingest, policyFile } = publishingSettingsFromEnv(process.env);
  const policy = loadPolicy(policyFile);
  const logger = createLogger({ name: 'zendesk-lifecycle-producer', level: logLevel });
  const kafka = createKafka(settings, logger);
  await ensureTopics(kafka, settings, ['events']);
  const publisher = createPublisher(settings, kafka);
  await publisher.start();
  const zendeskWebhook = await zendeskWebhookEndpoint(process.env, kafka, settings, logger);
  const server = await startIngestServer({
    ...(zendeskWebhook ? { routes: zendeskWebhook.routes } : {}),
    publisher,
    port: ingest.port,
    host: ingest.host,
    ...ingest.limits,
    logger,
    // Principals and their rights from the policy; their credentials from the variables it names.
    policy,
    env: process.env,
    ...(ingest.token ? { token: ingest.token } : {}),
    ...(ingest.hmacSecret ? { hmacSecret: ingest.hmacSecret } : {}),
  });
  logger.info(
    { url: `${server.url}/events`, openapi: `${server.url}/openapi.json` },
    'ingestion endpoint listening',
  );
  await untilStopSignal();
  await server.stop();
  await publisher.stop();
  await zendeskWebhook?.stop();
}

/** The Zendesk client, signed in once: a refused sign-in stops the command with one line naming the variable. */
async function zendeskFromEnv() {
  const zendesk = createZendeskClient(zendeskConfigFromEnv(process.env));
  for (const warning of zendesk.authWarnings()) process.stderr.write(`warning: ${warning}\n`);
  await zendesk.verifyAuth();
  return zendesk;
}

async function syncCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { format: { type: 'string' }, follow: { type: 'boolean' } },
  });
  const zendesk = await zendeskFromEnv();
  const bar = progress('accounts');
  if (values.format) {
    if (!['table', 'json', 'csv'].includes(values.format))
      throw new UsageError('--format takes table, json or csv');
    const snapshots = [];
    for await (const s of collectAccounts(zendesk, new Date().toISOString())) {
      snapshots.push(s);
      bar.tick(snapshots.length);
    }
    bar.done(snapshots.length);
    out(formatReport(snapshots, values.format as 'table' | 'json' | 'csv'));
    return out(`\n${formatSummary(summarize(snapshots))}`);
  }
  const settings = publishingSettingsFromEnv(process.env).kafka;
  const kafka = createKafka(settings);
  await ensureTopics(kafka, settings, ['accounts']);
  const summary = await syncAccounts({ zendesk, kafka, settings, onProgress: (n) => bar.tick(n) });
  bar.done(summary.snapshots.length);
  out(
    `${summary.snapshots.length} account snapshots published to ${settings.topics.accounts}\n${formatSummary(summary)}`,
  );
  if (values.follow) await followAccounts(zendesk, kafka, settings);
}

async function scanCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      days: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'transfer-to-email': { type: 'string' },
    },
  });
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1)
    throw new UsageError('--days takes a whole number of days (1 or more)');
  const policy = loadPolicy(producerSettingsFromEnv(process.env).policyFile);
  const events = await findInactive({
    zendesk: await zendeskFromEnv(),
    days,
    policy,
    ...(values['transfer-to-email'] ? { transferTo: { email: values['transfer-to-email'] } } : {}),
  });
  out(
    table(
      events.map((e) => ({ user: JSON.stringify(e.data.user), reason: e.data.reason ?? '', event: e.id })),
    ),
  );
  if (values['dry-run'])
    return out(`${events.length} agents would get an inactivity event (dry run: nothing published)`);
  const settings = publishingSettingsFromEnv(process.env).kafka;
  const publisher = createPublisher(settings);
  await publisher.start();
  for (let i = 0; i < events.length; i += 100) await publisher.publish(events.slice(i, i + 100));
  await publisher.stop();
  out(`${events.length} inactivity events published to ${settings.topics.events}`);
}

const usage = `usage: npm run producer -- <command>
  publish --type T (--user-id N | --user-email E | --user-external-id X) [--transfer-to-email E] [--actions a,b]
          [--reason R] [--requested-by P] [--file event.json] [--dry-run]
  serve                       HTTP ingestion (INGEST_PORT, INGEST_TOKEN and/or INGEST_HMAC_SECRET)
  sync [--format table|json|csv] [--follow]   --follow: then keep the snapshots current from Zendesk user events
  scan-inactive --days N [--transfer-to-email E] [--dry-run]
  ${AUDIT_REPORT_USAGE}
${ZENDESK_WEBHOOK_USAGE}`;

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  const commands: Record<string, (a: string[]) => Promise<void>> = {
    publish: publishCommand,
    serve: () => serveCommand(),
    sync: syncCommand,
    'scan-inactive': scanCommand,
    'zendesk-webhook': (a) => zendeskWebhookCommand(a),
    'audit-report': (a) =>
      auditReportCommand(a).catch((e: unknown) => {
        throw e instanceof RangeError ? new UsageError(e.message) : e;
      }),
  };
  const run = command ? commands[command] : undefined;
  if (!run) {
    process.stderr.write(`${usage}\n`);
    process.exit(command ? 2 : 0);
  }
  await run(args);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const usageProblem =
      error instanceof UsageError ||
      error instanceof ConfigError ||
      error instanceof TypeError ||
      error instanceof Unauthorized; // Zendesk refused the credentials: a setting to fix
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(usageProblem ? 2 : 1);
  },
);
