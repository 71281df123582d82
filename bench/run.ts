// `npm run bench`: ratios measured side by side on this machine, written to bench/results.json and bench/RESULTS.md.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { createLifecycleEvent, eventKey, type LifecycleEvent } from '@zendesk-lifecycle/core';
import { ConsumerFleet } from '@zendesk-lifecycle/chaos';
import { startCluster, type KafkaCluster } from '@zendesk-lifecycle/kafka';
import { createZendeskClient } from '@zendesk-lifecycle/zendesk-client';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';

interface Figure {
  name: string;
  ours: number;
  comparison: string;
  theirs: number;
  ratio: number;
  unit: string;
  goal: string;
  met: boolean;
}

const figures: Figure[] = [];
/** Zendesk's highest account limit (Enterprise Plus, or the High Volume add-on). */
const HIGHEST_ZENDESK_RPM = 2500;
const root = new URL('..', import.meta.url).pathname;
const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

async function requestsPerSecond(
  url: string,
  headers: Record<string, string>,
  seconds: number,
  concurrency = 16,
): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        const res = await fetch(url, { headers });
        await res.arrayBuffer();
        done++;
      }
    }),
  );
  return done / seconds;
}

/** The 429s a rate-limited run collected, against the calls served (goal: at most 1 %). */
function tooManyRequests(name: string, limited: number, served: number): Figure {
  return {
    name,
    ours: limited,
    comparison: 'calls served',
    theirs: served,
    ratio: round(limited / Math.max(1, served), 3),
    unit: 'answers',
    goal: '<= 1 % of calls',
    met: limited / Math.max(1, served) <= 0.01,
  };
}

async function sandboxThroughput(): Promise<void> {
  say('sandbox throughput: show and cursor list on 10,000 users vs a bare node:http server');
  const sandbox = await startSandbox({ seed: { users: 10_000, tickets: 0 }, rpm: 0, logRequests: false });
  const auth = {
    authorization: `Basic ${Buffer.from(`${sandbox.credentials.email}/token:${sandbox.credentials.token}`).toString('base64')}`,
  };
  const body = JSON.stringify({ user: { id: 1, name: 'x' } });
  const bare: Server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(body),
  );
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', () => r()));
  const barePort = (bare.address() as AddressInfo).port;
  const show = await requestsPerSecond(`${sandbox.baseUrl}/users/100500.json`, auth, 5);
  const list = await requestsPerSecond(
    `${sandbox.baseUrl}/users.json?page[size]=100&page[after]=${Buffer.from('id:105000').toString('base64url')}`,
    auth,
    5,
  );
  const baseline = await requestsPerSecond(`http://127.0.0.1:${barePort}/`, {}, 5);
  bare.close();
  await sandbox.stop();
  figures.push({
    name: 'sandbox show (req/s)',
    ours: round(show, 0),
    comparison: 'bare node:http constant reply',
    theirs: round(baseline, 0),
    ratio: round(show / baseline),
    unit: 'req/s',
    goal: '>= 2,000 req/s',
    met: show >= 2000,
  });
  figures.push({
    name: 'sandbox cursor page of 100 deep in 10,000 users (req/s)',
    ours: round(list, 0),
    comparison: 'bare node:http constant reply',
    theirs: round(baseline, 0),
    ratio: round(list / baseline),
    unit: 'req/s',
    goal: '>= 500 req/s',
    met: list >= 500,
  });
}

async function memory(): Promise<void> {
  say('memory: streaming 50,000 agents vs node-zendesk getAll of the same account (child processes)');
  const sandbox = await startSandbox({ seed: { users: 50_000, tickets: 0 }, rpm: 0, logRequests: false });
  const run = async (mode: string) => {
    const { stdout } = await promisify(execFile)(
      `${root}node_modules/.bin/tsx`,
      [
        `${root}bench/memory-child.ts`,
        mode,
        sandbox.url,
        sandbox.credentials.email,
        sandbox.credentials.token,
      ],
      { cwd: root, maxBuffer: 1 << 20 },
    );
    return JSON.parse(stdout) as { count: number; peakRssBytes: number };
  };
  const ours = await run('stream');
  const theirs = await run('getAll');
  await sandbox.stop();
  const mb = (b: number) => round(b / 1024 / 1024, 1);
  figures.push({
    name: `peak RSS listing ${ours.count} agents and admins (MB)`,
    ours: mb(ours.peakRssBytes),
    comparison: `node-zendesk getAll (${theirs.count} records in memory)`,
    theirs: mb(theirs.peakRssBytes),
    ratio: round(ours.peakRssBytes / theirs.peakRssBytes),
    unit: 'MB',
    goal: 'ratio < 1 (constant memory)',
    met: ours.peakRssBytes < theirs.peakRssBytes,
  });
}

async function apiEconomy(): Promise<void> {
  say('API economy: calls per action vs the minimum the API needs');
  const sandbox = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 1 });
  const client = createZendeskClient({
    baseUrl: sandbox.url,
    email: sandbox.credentials.email,
    apiToken: sandbox.credentials.token,
  });
  const port = client.asPort();
  await client.accountOwnerId();
  const opts = { idempotency_key: 'bench' };
  const cases: Array<[string, number, () => Promise<unknown>]> = [
    ['suspend', 1, async () => port.suspend((await client.getUser(DEMO_PEOPLE.reviewed.id))!, opts)],
    ['unsuspend', 1, async () => port.unsuspend((await client.getUser(DEMO_PEOPLE.rehire.id))!, opts)],
    [
      'downgrade (with the assigned-ticket check)',
      2,
      async () => port.downgrade((await client.getUser(DEMO_PEOPLE.inactive.id))!, opts),
    ],
    [
      'deprovision (soft + permanent)',
      2,
      async () =>
        port.deprovision((await client.getUser(DEMO_PEOPLE.agent.id))!, { ...opts, permanent: true }),
    ],
    [
      'transfer 12 tickets (list, update_many, job poll)',
      4,
      async () =>
        port.transferData(
          (await client.getUser(DEMO_PEOPLE.leaver.id))!,
          { id: DEMO_PEOPLE.manager.id },
          opts,
        ),
    ],
  ];
  for (const [name, minimum, act] of cases) {
    const before = sandbox.state.requestLog.length;
    await act();
    // The lookup of the user (one GET) belongs to the caller; count the calls the action itself made.
    const calls = sandbox.state.requestLog.length - before - 1;
    figures.push({
      name: `calls for ${name}`,
      ours: calls,
      comparison: 'minimum the API requires',
      theirs: minimum,
      ratio: round(calls / minimum),
      unit: 'calls',
      goal: 'ratio <= 1.5',
      met: calls / minimum <= 1.5,
    });
  }
  await sandbox.stop();
}

async function rateBudget(): Promise<void> {
  const rpm = 240;
  const seconds = 45;
  say(
    `rate-limit efficiency: suspend/unsuspend flat out against ${rpm} requests per minute for ${seconds} s`,
  );
  const sandbox = await startSandbox({ seed: { users: 2000, tickets: 0 }, rpm, logRequests: true });
  const client = createZendeskClient({
    baseUrl: sandbox.url,
    email: sandbox.credentials.email,
    apiToken: sandbox.credentials.token,
  });
  const port = client.asPort();
  const agents = [...sandbox.state.users.values()].filter(
    (u) => u.role === 'agent' && !u.suspended && u.id !== 1,
  );
  const end = Date.now() + seconds * 1000;
  let i = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (Date.now() < end) {
        const u = agents[i++ % agents.length]!;
        const snapshot = {
          id: u.id,
          name: u.name,
          email: u.email,
          external_id: null,
          role: u.role,
          role_type: u.role_type,
          custom_role_id: u.custom_role_id,
          suspended: false,
          active: true,
          last_login_at: null,
        };
        await port.suspend(snapshot, { idempotency_key: 'b' }).catch(() => undefined);
      }
    }),
  );
  const served = sandbox.state.requestLog.filter((r) => r.status !== 429).length;
  const limited = sandbox.state.requestLog.filter((r) => r.status === 429).length;
  await sandbox.stop();
  // A rolling minute: a fresh window allows a full minute's budget at once, then rpm per minute.
  const allowed = rpm + (rpm * Math.max(0, seconds - 60)) / 60;
  figures.push({
    name: `share of the rate budget used (${rpm} rpm, ${seconds} s)`,
    ours: served,
    comparison: 'calls the budget allows in that time',
    theirs: allowed,
    ratio: round(served / allowed),
    unit: 'calls',
    goal: '>= 0.8 inside one window (the client spreads the last 20 % to the window end), 429s near 0',
    met: served / allowed >= 0.8,
  });
  figures.push(tooManyRequests('429 answers during the rate test', limited, served));
}

/** A run's own topics, a consumer fleet wired to the sandbox, and a reader counting committed results. */
async function consumerRun(
  cluster: KafkaCluster,
  sandbox: RunningSandbox,
  name: string,
  events: LifecycleEvent[],
  extraEnv: Record<string, string> = {},
) {
  const kafka = new Kafka({ clientId: 'bench', brokers: cluster.brokers, logLevel: logLevel.NOTHING });
  const run = `bench-${name}-${Date.now().toString(36)}`;
  const topics = {
    TOPIC_EVENTS: `${run}.events`,
    TOPIC_RESULTS: `${run}.results`,
    TOPIC_DLQ: `${run}.dlq`,
    TOPIC_RETRY: `${run}.retry`,
    TOPIC_ACCOUNTS: `${run}.accounts`,
  };
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 6 })),
  });
  await admin.disconnect();
  const logDir = mkdtempSync(join(tmpdir(), `${run}-`));
  const policyFile = join(logDir, 'policy.json');
  writeFileSync(
    policyFile,
    JSON.stringify({ blast_radius: { max_actions: 1_000_000, window_seconds: 3600 } }),
  );
  const fleet = new ConsumerFleet(
    {
      KAFKA_BROKERS: cluster.bootstrap,
      ...topics,
      KAFKA_GROUP_ID: `${run}-group`,
      ZENDESK_BASE_URL: sandbox.url,
      ZENDESK_EMAIL: sandbox.credentials.email,
      ZENDESK_API_TOKEN: sandbox.credentials.token,
      LOG_LEVEL: 'warn',
      POLICY_FILE: policyFile,
      CONSUMER_CONCURRENCY: '6',
      ...extraEnv,
    },
    logDir,
  );
  const results: number[] = [];
  const reader = kafka.consumer({ groupId: `${run}-reader`, maxWaitTimeInMs: 100 });
  return {
    fleet,
    /** Publishes the events and resolves with the arrival time of every result, once all have arrived. */
    async publishAndWait(timeoutMs: number): Promise<number[]> {
      await reader.connect();
      await reader.subscribe({ topic: topics.TOPIC_RESULTS, fromBeginning: true });
      await reader.run({ eachMessage: async () => void results.push(Date.now()) });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic: topics.TOPIC_EVENTS,
        messages: events.map((e) => ({ key: eventKey(e), value: JSON.stringify(e) })),
      });
      await producer.disconnect();
      const deadline = Date.now() + timeoutMs;
      while (results.length < events.length) {
        if (Date.now() > deadline)
          throw new Error(`${name}: ${results.length} of ${events.length} results; logs in ${logDir}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return results;
    },
    async stop(): Promise<void> {
      await reader.disconnect();
      await fleet.stopAll();
    },
  };
}

async function pipeline(cluster: KafkaCluster): Promise<void> {
  const n = 600;
  say(
    `pipeline overhead: ${n} events through the consumer (plan, sandbox, audit, transactional result) vs a bare kafkajs consumer`,
  );
  const sandbox = await startSandbox({ seed: { users: n + 100, tickets: 0 }, rpm: 0, logRequests: true });
  const agents = [...sandbox.state.users.values()]
    .filter((u) => u.role === 'agent' && !u.suspended && u.id !== 1)
    .slice(0, n);
  const events = agents.map((u, i) =>
    createLifecycleEvent({
      type: 'lifecycle.access_revoked.v1',
      source: 'bench',
      id: `pipeline-${i}`,
      user: { id: u.id },
    }),
  );

  // The bare consumer runs in this process (the sandbox here is idle meanwhile), ours as its own process.
  const kafka = new Kafka({ clientId: 'bench', brokers: cluster.brokers, logLevel: logLevel.NOTHING });
  const bareTopic = `bench-bare-${Date.now().toString(36)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: bareTopic, numPartitions: 6 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: bareTopic,
    messages: events.map((e) => ({ key: eventKey(e), value: JSON.stringify(e) })),
  });
  await producer.disconnect();
  const seen: number[] = [];
  const bare = kafka.consumer({ groupId: `${bareTopic}-group`, maxWaitTimeInMs: 100 });
  const bareCpu = process.cpuUsage();
  await bare.connect();
  await bare.subscribe({ topic: bareTopic, fromBeginning: true });
  await bare.run({ eachMessage: async () => void seen.push(Date.now()) });
  while (seen.length < events.length) await new Promise((r) => setTimeout(r, 20));
  const bareCpuSeconds = (() => {
    const used = process.cpuUsage(bareCpu);
    return (used.user + used.system) / 1e6;
  })();
  await bare.disconnect();

  const ours = await consumerRun(cluster, sandbox, 'pipeline', events);
  await ours.fleet.add();
  const callsBefore = sandbox.state.requestLog.length;
  const cpuBefore = await ours.fleet.cpuSeconds();
  const arrivals = await ours.publishAndWait(180_000);
  const oursCpuSeconds = (await ours.fleet.cpuSeconds()) - cpuBefore;
  const callsPerEvent = (sandbox.state.requestLog.length - callsBefore) / events.length;
  await ours.stop();
  await sandbox.stop();

  // Steady state: from the first outcome to the last, so that start-up and group join do not count.
  const rate = (times: number[]) => (times.length - 1) / ((times.at(-1)! - times[0]!) / 1000);
  const oursRate = rate(arrivals);
  const bareRate = rate(seen);
  // Zendesk is the real limit: the highest account plan allows 2,500 requests per minute. The consumer should
  // keep up with that and leave the CPU mostly idle while doing so.
  const zendeskEventsPerSecond = HIGHEST_ZENDESK_RPM / 60 / callsPerEvent;
  const cpuBudgetMs = (1000 * 0.1) / zendeskEventsPerSecond;
  figures.push({
    name: 'events per second through the whole pipeline (steady state)',
    ours: round(oursRate, 1),
    comparison: 'bare kafkajs consumer reading the same events',
    theirs: round(bareRate, 1),
    ratio: round(oursRate / bareRate, 3),
    unit: 'events/s',
    goal: `>= ${round(zendeskEventsPerSecond, 1)} events/s, the most Zendesk's highest limit (${HIGHEST_ZENDESK_RPM} rpm) allows at ${round(callsPerEvent, 1)} calls per event`,
    met: oursRate >= zendeskEventsPerSecond,
  });
  const ms = (seconds: number) => round((seconds * 1000) / events.length, 3);
  figures.push({
    name: 'CPU per event in the consumer process (ms)',
    ours: ms(oursCpuSeconds),
    comparison: 'bare kafkajs consumer reading the same events',
    theirs: ms(bareCpuSeconds),
    ratio: round(oursCpuSeconds / bareCpuSeconds, 1),
    unit: 'ms',
    goal: `<= ${round(cpuBudgetMs, 1)} ms: at most 10 % of one core at Zendesk's highest limit`,
    met: ms(oursCpuSeconds) <= cpuBudgetMs,
  });
}

async function deprovisionFlood(cluster: KafkaCluster, instances: number): Promise<void> {
  // Zendesk's permanent-delete limit (700 per 10 minutes) scaled down in time by 10: 70 per minute.
  const rpm = 240;
  const permanent = { max: 70, windowMs: 60_000 };
  const n = 120;
  say(
    `rate-limit efficiency: ${n} deprovisions (soft + permanent) through ${instances} consumer(s) against ${rpm} rpm and ${permanent.max} permanent deletes per minute`,
  );
  const sandbox = await startSandbox({
    seed: { users: n + 60, tickets: 0 },
    rpm,
    permanentDeleteLimit: permanent,
    logRequests: true,
  });
  const agents = [...sandbox.state.users.values()]
    .filter((u) => u.role === 'agent' && u.id !== sandbox.state.ownerId)
    .slice(0, n);
  const events = agents.map((u, i) =>
    createLifecycleEvent({
      type: 'lifecycle.offboarding.v1',
      source: 'bench',
      id: `flood-${instances}-${i}`,
      user: { id: u.id },
      actions: ['deprovision'],
    }),
  );
  const run = await consumerRun(cluster, sandbox, `flood${instances}`, events, {
    ALLOW_IRREVERSIBLE: 'true',
  });
  for (let i = 0; i < instances; i++) await run.fleet.add();
  // Start-up calls (account owner, roles) are not part of the flood.
  sandbox.reset({ users: n + 60, tickets: 0 });
  const started = Date.now();
  const arrivals = await run.publishAndWait(600_000);
  const seconds = (arrivals.at(-1)! - started) / 1000;
  await run.stop();
  const log = sandbox.state.requestLog;
  await sandbox.stop();
  const served = log.filter((r) => r.status !== 429).length;
  const limited = log.filter((r) => r.status === 429).length;
  const deletedForGood = log.filter(
    (r) => r.method === 'DELETE' && r.path.startsWith('/api/v2/deleted_users/') && r.status === 200,
  ).length;
  if (deletedForGood !== n) throw new Error(`flood: ${deletedForGood} permanent deletes, expected ${n}`);
  // The least time the limits allow: each limit is a sliding window that starts empty, so the fastest schedule
  // is a full window's worth at once, then another each time the window has passed.
  const windowSeconds = (calls: number, max: number, windowMs: number) =>
    calls <= max ? 0 : (Math.ceil(calls / max) - 1) * (windowMs / 1000);
  const minimum = Math.max(
    windowSeconds(served, rpm, 60_000),
    windowSeconds(n, permanent.max, permanent.windowMs),
  );
  const perMinute = served / (seconds / 60);
  const label = `${instances} consumer${instances > 1 ? 's' : ''}`;
  figures.push({
    name: `deprovision flood, ${label}: seconds to finish ${n} (${round(served / n, 1)} calls each)`,
    ours: round(seconds, 1),
    comparison: 'the least time the account and permanent-delete limits allow',
    theirs: round(minimum, 1),
    ratio: round(minimum / seconds),
    unit: 's',
    goal: 'ratio >= 0.95',
    met: minimum / seconds >= 0.95,
  });
  figures.push({
    name: `deprovision flood, ${label}: calls per minute, as a share of the account budget`,
    ours: round(perMinute, 0),
    comparison: 'requests per minute the account allows',
    theirs: rpm,
    ratio: round(perMinute / rpm),
    unit: 'calls/min',
    goal: '>= 0.95 (the account limit binds here), with 429s near 0',
    met: perMinute / rpm >= 0.95,
  });
  figures.push(tooManyRequests(`deprovision flood, ${label}: 429 answers`, limited, served));
}

function writeResults(): void {
  const when = new Date().toISOString();
  writeFileSync(`${root}bench/results.json`, `${JSON.stringify({ generated_at: when, figures }, null, 2)}\n`);
  const rows = figures.map(
    (f) =>
      `| ${f.name} | ${f.ours} | ${f.comparison}: ${f.theirs} | ${f.ratio} | ${f.goal} | ${f.met ? 'yes' : 'NO'} |`,
  );
  writeFileSync(
    `${root}bench/RESULTS.md`,
    `# Benchmark results\n\nGenerated by \`npm run bench\` on ${when} (do not edit by hand). Ratios, not absolute times: machines differ.\n\n| figure | ours | compared with | ratio | goal | met |\n|---|---|---|---|---|---|\n${rows.join('\n')}\n`,
  );
}

const cluster = process.env.KAFKA_BROKERS ? undefined : await startCluster();
const kafkaTarget =
  cluster ??
  ({ brokers: process.env.KAFKA_BROKERS!.split(','), bootstrap: process.env.KAFKA_BROKERS! } as KafkaCluster);
try {
  await sandboxThroughput();
  await memory();
  await apiEconomy();
  await pipeline(kafkaTarget);
  await rateBudget();
  await deprovisionFlood(kafkaTarget, 1);
  await deprovisionFlood(kafkaTarget, 3);
} finally {
  await cluster?.stop();
}
writeResults();
for (const f of figures)
  say(`${f.name}: ${f.ours} vs ${f.theirs} (ratio ${f.ratio}; goal ${f.goal}: ${f.met ? 'met' : 'NOT met'})`);
process.exit(0);
