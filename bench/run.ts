// `npm run bench`: ratios measured side by side on this machine, written to bench/results.json and bench/RESULTS.md.
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { createLifecycleEvent, eventKey } from '@zendesk-lifecycle/core';
import { startCluster, type KafkaCluster } from '@zendesk-lifecycle/kafka';
import { createZendeskClient } from '@zendesk-lifecycle/zendesk-client';
import { DEMO_PEOPLE, startSandbox } from '@zendesk-lifecycle/zendesk-sandbox';

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
    goal: '>= 0.8 of the budget with 429s near 0',
    met: served / allowed >= 0.8,
  });
  figures.push({
    name: '429 answers during the rate test',
    ours: limited,
    comparison: 'calls served',
    theirs: served,
    ratio: round(limited / Math.max(1, served), 3),
    unit: 'answers',
    goal: '<= 1 % of calls',
    met: limited / Math.max(1, served) <= 0.01,
  });
}

async function pipeline(cluster: KafkaCluster): Promise<void> {
  const n = 600;
  say(
    `pipeline overhead: ${n} events through the consumer (plan, sandbox, audit, transactional result) vs a bare kafkajs consumer`,
  );
  const sandbox = await startSandbox({ seed: { users: n + 100, tickets: 0 }, rpm: 0, logRequests: false });
  const kafka = new Kafka({ clientId: 'bench', brokers: cluster.brokers, logLevel: logLevel.NOTHING });
  const run = `bench-${Date.now().toString(36)}`;
  const topics = { events: `${run}.events`, results: `${run}.results` };
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: topics.events, numPartitions: 6 },
      { topic: topics.results, numPartitions: 6 },
    ],
  });
  await admin.disconnect();
  const agents = [...sandbox.state.users.values()]
    .filter((u) => u.role === 'agent' && !u.suspended && u.id !== 1)
    .slice(0, n);
  const events = agents.map((u, i) =>
    createLifecycleEvent({
      type: 'lifecycle.access_revoked.v1',
      source: 'bench',
      id: `${run}-${i}`,
      user: { id: u.id },
    }),
  );
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: topics.events,
    messages: events.map((e) => ({ key: eventKey(e), value: JSON.stringify(e) })),
  });
  await producer.disconnect();

  const bareStart = Date.now();
  let seen = 0;
  const bare = kafka.consumer({ groupId: `${run}-bare`, maxWaitTimeInMs: 100 });
  await bare.connect();
  await bare.subscribe({ topic: topics.events, fromBeginning: true });
  await bare.run({ eachMessage: async () => void seen++ });
  while (seen < events.length) await new Promise((r) => setTimeout(r, 20));
  const bareSeconds = (Date.now() - bareStart) / 1000;
  await bare.disconnect();

  const start = Date.now();
  const cpuBefore = process.cpuUsage();
  const child = spawn(`${root}node_modules/.bin/tsx`, ['apps/consumer/src/main.ts'], {
    cwd: root,
    stdio: 'ignore',
    env: {
      ...process.env,
      KAFKA_BROKERS: cluster.bootstrap,
      TOPIC_EVENTS: topics.events,
      TOPIC_RESULTS: topics.results,
      TOPIC_DLQ: `${run}.dlq`,
      TOPIC_RETRY: `${run}.retry`,
      TOPIC_ACCOUNTS: `${run}.accounts`,
      KAFKA_GROUP_ID: `${run}-group`,
      ZENDESK_BASE_URL: sandbox.url,
      ZENDESK_EMAIL: sandbox.credentials.email,
      ZENDESK_API_TOKEN: sandbox.credentials.token,
      OPS_PORT: '0',
      LOG_LEVEL: 'warn',
      POLICY_FILE: '',
      CONSUMER_CONCURRENCY: '6',
    },
  });
  let results = 0;
  const reader = kafka.consumer({ groupId: `${run}-reader`, maxWaitTimeInMs: 100 });
  await reader.connect();
  await reader.subscribe({ topic: topics.results, fromBeginning: true });
  await reader.run({ eachMessage: async () => void results++ });
  while (results < events.length) await new Promise((r) => setTimeout(r, 50));
  const seconds = (Date.now() - start) / 1000;
  const childCpu = process.cpuUsage(cpuBefore);
  void childCpu;
  await reader.disconnect();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await sandbox.stop();
  const ours = events.length / seconds;
  const theirs = events.length / bareSeconds;
  figures.push({
    name: 'events per second through the whole pipeline (incl. start-up)',
    ours: round(ours, 1),
    comparison: 'bare kafkajs consumer reading the same events',
    theirs: round(theirs, 1),
    ratio: round(ours / theirs, 3),
    unit: 'events/s',
    goal: 'bounded by Zendesk calls (3 per event: find, suspend, audit ticket)',
    met: ours > 5,
  });
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
try {
  await sandboxThroughput();
  await memory();
  await apiEconomy();
  await pipeline(
    cluster ??
      ({
        brokers: process.env.KAFKA_BROKERS!.split(','),
        bootstrap: process.env.KAFKA_BROKERS!,
      } as KafkaCluster),
  );
  await rateBudget();
} finally {
  await cluster?.stop();
}
writeResults();
for (const f of figures)
  say(`${f.name}: ${f.ours} vs ${f.theirs} (ratio ${f.ratio}; goal ${f.goal}: ${f.met ? 'met' : 'NOT met'})`);
process.exit(0);
