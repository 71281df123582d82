// `npm run consumer`: reads the configuration, wires the packages together and runs until SIGTERM/SIGINT.
// `npm run consumer -- replay-dlq [--reason R] [--source P:O] [--dry-run]` sends dead letters back.
// `npm run consumer -- scheduled list [--user KEY] [--json]` lists the steps waiting for their time (cli/scheduled.ts).
// `npm run consumer -- brake status|release --reason R` shows or releases the fleet brake (cli/brake.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ConfigError } from '@zendesk-lifecycle/core';
import {
  createKafka,
  createLogger,
  loadPolicy,
  readConfigParts,
  untilStopSignal,
  type Logger,
} from '@zendesk-lifecycle/service-runtime';
import {
  createZendeskClient,
  Unauthorized,
  zendeskConfigFromEnv,
  type ZendeskClient,
  type ZendeskConfig,
} from '@zendesk-lifecycle/zendesk-client';
import { consumerSettingsFromEnv, type ConsumerSettings } from './config.js';
import { scheduledCommand } from './cli/scheduled.js';
import { startFleetBrake } from './brake/start-brake.js';
import { brakeCommand } from './cli/brake.js';
import { replayDeadLetters } from './delivery/dead-letter-replay.js';
import { createAuditTrail, ticketSettingsProblems, type AuditTrail } from './wiring/audit.js';
import { shareRateBudgetByPartitions } from './wiring/rate-share.js';
import { ConsumerMetrics } from './ops/metrics.js';
import { createRecordProcessor } from './pipeline/process-record.js';
import { startConsumerService } from './service.js';
import { startConfirmer } from './confirm/start-confirmer.js';

/**
 * Signs in once before anything runs: the warnings about credentials that will stop working, then the check.
 * A refusal (wrong secret, revoked client, missing scope) stops the consumer with one line; a network problem
 * only delays the check to the readiness probe.
 */
async function signIn(client: ZendeskClient, logger: Logger, account: string): Promise<number | undefined> {
  for (const warning of client.authWarnings()) logger.warn({ account }, warning);
  try {
    const check = await client.verifyAuth();
    logger.info(
      { account, auth: check.kind, user_id: check.user.id, scopes: check.scopes },
      'signed in to Zendesk',
    );
    return check.user.id;
  } catch (error) {
    if (error instanceof Unauthorized) {
      process.stderr.write(`consumer cannot sign in to Zendesk (${account}): ${error.message}\n`);
      process.exit(2);
    }
    logger.warn({ account, err: error }, 'could not check the Zendesk sign-in at start-up');
    return undefined;
  }
}

/** Stops start-up, one line per problem, when the audit ticket settings (ITSM_TICKET_*) do not suit Zendesk. */
async function checkTicketSettings(audit: AuditTrail, logger: Logger): Promise<void> {
  let problems: string[];
  try {
    problems = await ticketSettingsProblems(audit.auditAccount, audit.ticket);
  } catch (error) {
    logger.warn({ err: error }, 'could not check the audit ticket settings at start-up');
    return;
  }
  if (problems.length === 0) return;
  const lines = problems.map((problem) => `  ${problem}\n`).join('');
  process.stderr.write(`consumer: the audit ticket settings do not match Zendesk:\n${lines}`);
  process.exit(2);
}

async function run(settings: ConsumerSettings, zendeskConfig: ZendeskConfig, logger: Logger): Promise<void> {
  const metrics = new ConsumerMetrics();
  const policy = loadPolicy(settings.policyFile);
  const zendesk = createZendeskClient({
    ...zendeskConfig,
    logger: logger.child({ component: 'zendesk' }),
    onCall: ({ method, status }) => {
      metrics.zendeskCalls.inc({ method, status: status === null ? 'network_error' : String(status) });
      if (status === 429) metrics.rateLimited.inc();
    },
  });
  // The API user is the service identity (with OAuth there is no ZENDESK_EMAIL to name it): never acted upon.
  // Not known, nothing is consumed: sign-in is tried again until Zendesk says who it is.
  let apiUserId = await signIn(zendesk, logger, 'target');
  for (let delay = 1000; apiUserId === undefined; delay = Math.min(delay * 2, 30_000)) {
    logger.warn({ retry_in_ms: delay }, 'the service user is not known yet: nothing is consumed until it is');
    await sleep(delay);
    apiUserId = await signIn(zendesk, logger, 'target');
  }
  const audit = await createAuditTrail(process.env, zendesk, logger);
  if (audit.client) await signIn(audit.client, logger, 'audit (ITSM_ZENDESK_*)');
  await checkTicketSettings(audit, logger);
  // Several instances on one account: each gives its Zendesk clients its share of the partitions on every join.
  const kafka = shareRateBudgetByPartitions({
    kafka: createKafka(settings.kafka, logger),
    groupId: settings.kafka.groupId,
    topic: settings.kafka.topics.events,
    targets: audit.client ? [zendesk, audit.client] : [zendesk],
    logger,
  });
  const brake = await startFleetBrake({ kafka, settings, policy, audit: audit.port, logger, metrics });
  // One list of protected users, for the executor's rail and the Zendesk client's alike. An unknown owner
  // (ZENDESK_ACCOUNT_OWNER_ID unset) protects every admin: core's rule, rails/protected-users.ts.
  const protectedUsers = {
    ids: policy.protected_users.ids,
    emails: [...policy.protected_users.emails, ...audit.serviceEmails],
    external_ids: policy.protected_users.external_ids,
    service_user_ids: [apiUserId],
    account_owner_id: zendeskConfig.accountOwnerId ?? null,
  };
  const processor = createRecordProcessor({
    zendesk: zendesk.asPort({ protectedUsers, transfer: policy.transfer }),
    audit: audit.port,
    policy,
    protectedUsers,
    brake,
    dryRun: settings.dryRun || policy.dry_run,
    allowIrreversible: settings.allowIrreversible || policy.allow_irreversible,
    eventMaxBytes: settings.eventMaxBytes,
    resultSource: `zendesk-lifecycle/consumer/${settings.instanceId}`,
    logger,
    metrics,
  });
  let reachable = false;
  let checkedAt = 0;
  const service = await startConsumerService({
    settings,
    logger,
    metrics,
    processor,
    kafka,
    brakeHeld: () => brake.heldReason(),
    zendeskReachable: async () => {
      if (Date.now() - checkedAt > 10_000) {
        reachable = await zendesk.ping();
        checkedAt = Date.now();
      }
      return reachable;
    },
  });
  // From here on a stop signal stops gracefully, the loop's start included (a Ctrl-C during it is not fatal).
  const stopSignal = untilStopSignal();
  // The closed loop (issue 24): Zendesk's user events confirm our steps and reveal drift (confirm/).
  const confirmer = await startConfirmer({
    env: process.env,
    kafka,
    settings,
    policy,
    zendesk: zendesk.asPort({ protectedUsers, transfer: policy.transfer }),
    audit: audit.port,
    logger,
    metrics,
  });
  logger.info(
    { dryRun: settings.dryRun, allowIrreversible: settings.allowIrreversible, zendesk: zendeskConfig.origin },
    'zendesk-lifecycle consumer started',
  );
  await stopSignal;
  await confirmer?.stop();
  await service.stop();
  await brake.stop();
}

async function replay(settings: ConsumerSettings, logger: Logger, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      reason: { type: 'string' },
      source: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean' },
    },
  });
  const records = await replayDeadLetters(createKafka(settings.kafka, logger), settings.kafka, {
    ...(values.reason ? { reason: values.reason } : {}),
    ...(values.source ? { sources: values.source } : {}),
    dryRun: values['dry-run'] ?? false,
  });
  const { topics } = settings.kafka;
  for (const r of records) process.stdout.write(`${r.source}\t${r.reason}\t${r.error}\t-> ${topics[r.to]}\n`);
  process.stdout.write(
    `${records.length} dead letters ${values['dry-run'] ? 'would be' : 'were'} sent back (events to ${topics.events}, ` +
      `fired scheduled steps to ${topics.retry})\n`,
  );
}

async function main(): Promise<void> {
  const replaying = process.argv[2] === 'replay-dlq';
  const listing = process.argv[2] === 'scheduled';
  // The brake's status needs no Zendesk; its release does (the release is audited).
  const braking = process.argv[2] === 'brake';
  const noZendesk = replaying || listing || (braking && process.argv[3] !== 'release');
  let settings: ConsumerSettings;
  let zendeskConfig: ZendeskConfig | undefined;
  try {
    // Read once, every wrong variable reported together; replaying dead letters needs no Zendesk.
    ({ settings, zendeskConfig } = readConfigParts({
      settings: () => consumerSettingsFromEnv(process.env),
      zendeskConfig: () => (noZendesk ? undefined : zendeskConfigFromEnv(process.env)),
    }));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({ name: 'zendesk-lifecycle-consumer', level: settings.logLevel });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  if (listing) {
    const kafka = createKafka(settings.kafka, logger);
    process.stdout.write(await scheduledCommand(kafka, settings.kafka, process.argv.slice(3)));
  } else if (braking)
    process.exitCode = await brakeCommand(settings, zendeskConfig, logger, process.argv.slice(3));
  else if (replaying || !zendeskConfig) await replay(settings, logger, process.argv.slice(3));
  else await run(settings, zendeskConfig, logger);
  process.exit(process.exitCode ?? 0);
}

void main().catch((error: unknown) => {
  process.stderr.write(
    `consumer failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
