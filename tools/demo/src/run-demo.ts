// The whole system on embedded defaults: a local Kafka broker, the seeded sandbox, the consumer and the
// ingestion endpoint as separate processes, and the scenario played through the ingestion endpoint.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { freePort, startCluster, type KafkaCluster } from '@zendesk-lifecycle/kafka';
import type { ConfirmationEvent } from '@zendesk-lifecycle/core';
import { TOPIC_DEFAULTS } from '@zendesk-lifecycle/service-runtime';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { writeAuditReport } from './audit-report.js';
import {
  allConfirmed,
  confirmationSummary,
  readOutcomes,
  resultsArrived,
  stepsToConfirm,
  summaryRows,
  type DeadLetter,
  type SummaryRow,
} from './outcomes.js';
import { invalidEventJson, scenario } from './scenario.js';
import { startConsumer, startService, type Service } from './services.js';
import { installWebhook, writeWebhookSecret } from './zendesk-webhook.js';

export interface DemoOptions {
  /** Progress lines for a person; silent when left out. */
  say?: (line: string) => void;
  /** Topic name prefix; the documented names when left out. */
  topicPrefix?: string;
  sandboxPort?: number;
  ingestPort?: number;
  opsPort?: number;
  /** Ctrl-C during the start: whatever was started is stopped, and runDemo rejects with StartAborted. */
  signal?: AbortSignal;
}

/** runDemo was interrupted by its `signal` before it finished starting; everything it started is stopped. */
export class StartAborted extends Error {
  constructor() {
    super('interrupted during start-up');
    this.name = 'StartAborted';
  }
}

/** How long the sandbox's access tokens live in the demo: short enough that every run renews some. */
export const DEMO_TOKEN_SECONDS = 3;

/** How long the demo waits, once the results are in, for Zendesk's events to confirm their steps. */
export const CONFIRM_WAIT_MS = 30_000;

export interface RunningDemo {
  rows: SummaryRow[];
  deadLetters: DeadLetter[];
  kafkaBrokers: string;
  sandbox: RunningSandbox;
  ingestUrl: string;
  ingestToken: string;
  opsUrl: string;
  logDir: string;
  /** The audit report of this run (HTML), as `npm run producer -- audit-report` writes it. */
  auditReport: string;
  /** Zendesk's confirmations of the scenario's steps (lifecycle.confirmation.v1 on the results topic). */
  confirmations: ConfirmationEvent[];
  /** One line: how many steps Zendesk confirmed, and the median delay. */
  confirmationSummary: string;
  stop(): Promise<void>;
}

export async function runDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const say = options.say ?? (() => undefined);
  const stack: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stack.splice(0).reverse()) await step().catch(() => undefined);
  };
  // Between two steps of the start: an interrupt stops here (the catch below stops what was started).
  const checkpoint = () => {
    if (options.signal?.aborted) throw new StartAborted();
  };
  try {
    const logDir = mkdtempSync(join(tmpdir(), 'zendesk-lifecycle-demo-'));
    let cluster: KafkaCluster | undefined;
    let brokers = process.env.KAFKA_BROKERS;
    if (!brokers) {
      say('starting a local Apache Kafka broker...');
      cluster = await startCluster({ log: say });
      stack.push(() => cluster!.stop());
      brokers = cluster.bootstrap;
      checkpoint();
    }
    say(`Kafka at ${brokers}`);
    // Short-lived OAuth tokens, so that every run shows the services renewing them (Zendesk: 30 min by default).
    const sandbox = await startSandbox({
      port: options.sandboxPort ?? 0,
      seed: 'demo',
      rpm: 0,
      tokenLifetimeSeconds: DEMO_TOKEN_SECONDS,
    });
    stack.push(() => sandbox.stop());
    checkpoint();
    say(`Zendesk sandbox at ${sandbox.baseUrl} (seeded with a small company)`);
    say(
      `signing in with the OAuth client "${sandbox.credentials.oauthClientId}" (client credentials); ` +
        `access tokens live ${DEMO_TOKEN_SECONDS} s here`,
    );

    const prefix = options.topicPrefix ? `${options.topicPrefix}.` : '';
    const topics = {
      TOPIC_EVENTS: `${prefix}${TOPIC_DEFAULTS.events}`,
      TOPIC_RESULTS: `${prefix}${TOPIC_DEFAULTS.results}`,
      TOPIC_DLQ: `${prefix}${TOPIC_DEFAULTS.dlq}`,
      TOPIC_RETRY: `${prefix}${TOPIC_DEFAULTS.retry}`,
      TOPIC_ACCOUNTS: `${prefix}${TOPIC_DEFAULTS.accounts}`,
      TOPIC_SCHEDULED: `${prefix}${TOPIC_DEFAULTS.scheduled}`,
      TOPIC_BRAKE: `${prefix}${TOPIC_DEFAULTS.brake}`,
      // Zendesk's user events, as the webhook delivers them. The confirm loop's own state topic (TOPIC_EXPECTED)
      // follows TOPIC_RESULTS (`<results>.expected` once renamed), so it carries the prefix without being named.
      TOPIC_ZENDESK_USER_EVENTS: `${prefix}${TOPIC_DEFAULTS.userEvents}`,
    };
    const ingestToken = randomBytes(12).toString('hex');
    const ingestPort = options.ingestPort ?? (await freePort());
    const opsPort = options.opsPort ?? (await freePort());
    const common = {
      KAFKA_BROKERS: brokers,
      ...topics,
      ...(prefix ? { KAFKA_GROUP_ID: `${prefix}zendesk-lifecycle-consumer` } : {}),
      ZENDESK_BASE_URL: sandbox.url,
      ZENDESK_OAUTH_CLIENT_ID: sandbox.credentials.oauthClientId,
      ZENDESK_OAUTH_CLIENT_SECRET: sandbox.credentials.oauthClientSecret,
      ZENDESK_ACCOUNT_OWNER_ID: String(sandbox.state.ownerId),
      LOG_LEVEL: 'info',
    };
    const consumerStarted = Date.now();
    const consumer: Service = await startConsumer({
      name: 'consumer',
      opsPort,
      probe: 'readyz',
      logDir,
      env: {
        ...common,
        ITSM_REQUESTER_EMAIL: DEMO_PEOPLE.bot.email,
        ALLOW_IRREVERSIBLE: 'true',
        CONSUMER_RETRY_DELAY_MS: '3000',
        // The confirm loop looks at what arrived twice a second (5 s by default), so the summary waits little.
        CONFIRM_TICK_MS: '500',
      },
    });
    stack.push(() => consumer.stop());
    checkpoint();
    say(`consumer running (health and metrics: http://127.0.0.1:${opsPort}/metrics)`);
    // The webhook's signing secret, shared by the ingestion service and (through the CLI) Zendesk.
    const webhookSecretFile = writeWebhookSecret(logDir);
    const ingest: Service = await startService({
      name: 'ingestion',
      entry: 'apps/producer/src/cli.ts',
      args: ['serve'],
      logDir,
      env: {
        ...common,
        INGEST_PORT: String(ingestPort),
        INGEST_HOST: '127.0.0.1',
        INGEST_TOKEN: ingestToken,
        ZENDESK_WEBHOOK_SECRET_FILE: webhookSecretFile,
      },
      readyUrl: `http://127.0.0.1:${ingestPort}/healthz`,
    });
    stack.push(() => ingest.stop());
    checkpoint();
    const ingestUrl = `http://127.0.0.1:${ingestPort}/events`;
    say(`ingestion endpoint at ${ingestUrl}`);
    const webhookUrl = `http://127.0.0.1:${ingestPort}/zendesk/webhook`;
    await installWebhook({ env: common, url: webhookUrl, secretFile: webhookSecretFile });
    checkpoint();
    say(
      `Zendesk webhook installed (npm run producer -- zendesk-webhook install): the sandbox's user events go to ` +
        `${webhookUrl}, signed with the secret in ${webhookSecretFile}`,
    );

    // The consumer signed in when it started; let that token come due, so the first event is handled with a
    // renewed one (every run shows a renewal, however fast the machine).
    const signedInFor = Date.now() - consumerStarted;
    if (signedInFor < DEMO_TOKEN_SECONDS * 1000) {
      say(`letting the consumer's first OAuth token come due (${DEMO_TOKEN_SECONDS} s)...`);
      await new Promise((r) => setTimeout(r, DEMO_TOKEN_SECONDS * 1000 - signedInFor + 200));
      checkpoint();
    }
    const story = scenario(DEMO_PEOPLE);
    for (const { title, event } of story) {
      const res = await fetch(ingestUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify(event),
      });
      if (res.status !== 202)
        throw new Error(`ingestion refused "${title}": ${res.status} ${await res.text()}`);
      say(`published: ${title}`);
    }
    const kafka = new Kafka({
      clientId: 'demo-upstream',
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: topics.TOPIC_EVENTS,
      messages: [{ key: 'email:not-an-email', value: invalidEventJson() }],
    });
    await producer.disconnect();
    say('published: one invalid event, straight to Kafka (as a misbehaving upstream would)');

    say('waiting for the consumer to act, audit and report...');
    const eventIds = story.map((s) => s.event.id);
    const reader = await readOutcomes({
      brokers: brokers.split(','),
      topics: { results: topics.TOPIC_RESULTS, dlq: topics.TOPIC_DLQ },
      eventIds,
    });
    const outcomes = reader.outcomes;
    try {
      await reader.until((o) => resultsArrived(o, { eventIds, deadLetterCount: 1 }), 90_000, options.signal);
      checkpoint();
      say(`waiting for Zendesk's user events to confirm ${stepsToConfirm(outcomes).length} steps...`);
      await reader.until(allConfirmed, CONFIRM_WAIT_MS, options.signal);
    } finally {
      await reader.stop();
    }
    checkpoint();
    const rows = summaryRows(
      story.map((s) => ({ title: s.title, id: s.event.id, type: s.event.type })),
      outcomes,
    );
    say('writing the audit report of this run...');
    const auditReport = await writeAuditReport({
      env: common,
      logDir,
      searchLagMs: sandbox.state.searchLagMs,
    });
    checkpoint();
    return {
      rows,
      deadLetters: outcomes.deadLetters,
      kafkaBrokers: brokers,
      sandbox,
      ingestUrl,
      ingestToken,
      opsUrl: `http://127.0.0.1:${opsPort}`,
      logDir,
      auditReport,
      confirmations: [...outcomes.confirmations.values()],
      confirmationSummary: confirmationSummary(outcomes),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
