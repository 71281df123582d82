// Ctrl-C stops everything: each long-running root command is started as its own process group (as a terminal
// runs it in the foreground), sent SIGINT as a group, and nothing it started may survive 30 s later; the broker's
// data directory (under the command's own TMPDIR) is gone too. The shared test broker is never touched: the
// commands that start their own broker get their own TMPDIR and free ports, and only the processes of the tree
// a test started are ever killed (when a check has already failed).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  processTree,
  stillRunning,
  testBrokers,
  uniqueName,
  type ProcessInfo,
} from '@zendesk-lifecycle/kafka';
import { startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { repoRoot } from './services.js';

interface Interrupted {
  /** The processes of the command's tree while it ran (npm, run.mjs, the program, and what it started). */
  tree: ProcessInfo[];
  /** Those still running 30 s after the SIGINT (killed by the test afterwards). */
  survivors: ProcessInfo[];
  output: string;
  /** What its TMPDIR holds afterwards. */
  leftInTmp: string[];
}

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** `npm run <args>` in its own process group; SIGINT to the group once `ready` says so. */
async function interrupt(
  args: string[],
  options: { env: Record<string, string | undefined>; ready: (output: string) => boolean | Promise<boolean> },
): Promise<Interrupted> {
  const tmp = mkdtempSync(join(tmpdir(), 'ctrl-c-'));
  scratch.push(tmp);
  const env: Record<string, string | undefined> = { ...process.env, TMPDIR: tmp, ...options.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const child = spawn('npm', ['run', '--silent', ...args], {
    cwd: repoRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const group = child.pid!;
  const readyBy = Date.now() + 120_000;
  let tree: ProcessInfo[] = [];
  try {
    while (!(await options.ready(output))) {
      if (child.exitCode !== null) throw new Error(`npm run ${args.join(' ')} exited early:\n${output}`);
      if (Date.now() > readyBy)
        throw new Error(`npm run ${args.join(' ')} was not ready within 120 s:\n${output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    tree = processTree(group);
    process.kill(-group, 'SIGINT');
    const deadline = Date.now() + 30_000;
    while (stillRunning(tree).length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
    return { tree, survivors: stillRunning(tree), output, leftInTmp: readdirSync(tmp) };
  } finally {
    // Only what this test started: its process group and the tree captured from it.
    for (const p of stillRunning([...tree, ...processTree(group)])) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

const commands = (r: Interrupted) => r.tree.map((p) => p.command);
const summary = (r: Interrupted) => r.survivors.map((p) => `${p.pid} ${p.command.slice(0, 80)}`);

describe('Ctrl-C (SIGINT to the foreground process group) stops everything', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 'demo', rpm: 0 });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('npm start: the broker, the sandbox, the consumer and the ingestion endpoint, and the broker data', async () => {
    const r = await interrupt(['start'], {
      env: { KAFKA_BROKERS: undefined, ZENDESK_BASE_URL: undefined, ZENDESK_SUBDOMAIN: undefined },
      ready: (out) => out.includes('Ctrl-C stops everything'),
    });
    // The demo ran what it says it runs, and all of it is gone.
    expect(commands(r).some((c) => c.includes('kafka.Kafka'))).toBe(true);
    expect(commands(r).some((c) => c.includes('apps/consumer/src/main.ts'))).toBe(true);
    expect(commands(r).some((c) => c.includes('apps/producer/src/cli.ts serve'))).toBe(true);
    expect(summary(r)).toEqual([]);
    expect(r.leftInTmp.filter((f) => f.startsWith('zendesk-lifecycle-kafka-'))).toEqual([]);
    expect(r.output).toContain('[zendesk-lifecycle] stopped');
  }, 240_000);

  it('npm start interrupted while it is still starting', async () => {
    const r = await interrupt(['start'], {
      env: { KAFKA_BROKERS: undefined, ZENDESK_BASE_URL: undefined, ZENDESK_SUBDOMAIN: undefined },
      ready: (out) => out.includes('Zendesk sandbox at'),
    });
    expect(commands(r).some((c) => c.includes('kafka.Kafka'))).toBe(true);
    expect(summary(r)).toEqual([]);
    expect(r.leftInTmp.filter((f) => f.startsWith('zendesk-lifecycle-kafka-'))).toEqual([]);
  }, 240_000);

  it('npm run kafka -- run: the broker JVM and its data', async () => {
    const r = await interrupt(['kafka', '--', 'run'], {
      env: { KAFKA_BROKERS: undefined },
      ready: (out) => out.includes('Ctrl-C stops it'),
    });
    expect(commands(r).some((c) => c.includes('kafka.Kafka'))).toBe(true);
    expect(summary(r)).toEqual([]);
    expect(r.leftInTmp.filter((f) => f.startsWith('zendesk-lifecycle-kafka-'))).toEqual([]);
    expect(r.output).toContain('[kafka] stopped');
  }, 180_000);

  it('npm run sandbox', async () => {
    const port = await freePort();
    const r = await interrupt(['sandbox', '--', '--port', String(port)], {
      env: {},
      ready: (out) => out.includes('Ctrl-C stops it.'),
    });
    expect(summary(r)).toEqual([]);
  }, 120_000);

  it('npm run consumer: stops gracefully (leaves its group) and exits', async () => {
    const run = uniqueName('ctrl-c-consumer');
    const opsPort = await freePort();
    const r = await interrupt(['consumer'], {
      env: {
        KAFKA_BROKERS: testBrokers().join(','),
        KAFKA_GROUP_ID: `${run}-group`,
        TOPIC_EVENTS: `${run}.events`,
        TOPIC_RESULTS: `${run}.results`,
        TOPIC_DLQ: `${run}.dlq`,
        TOPIC_RETRY: `${run}.retry`,
        TOPIC_ACCOUNTS: `${run}.accounts`,
        OPS_PORT: String(opsPort),
        ZENDESK_BASE_URL: sandbox.url,
        ZENDESK_OAUTH_CLIENT_ID: sandbox.credentials.oauthClientId,
        ZENDESK_OAUTH_CLIENT_SECRET: sandbox.credentials.oauthClientSecret,
        ZENDESK_ACCOUNT_OWNER_ID: String(sandbox.state.ownerId),
        LOG_LEVEL: 'info',
      },
      ready: (out) => out.includes('consuming lifecycle events'),
    });
    expect(summary(r)).toEqual([]);
    // The graceful path ran to its end: not killed half-way by the second SIGINT (terminal + run.mjs).
    expect(r.output).toContain('"msg":"stopped"');
  }, 120_000);

  it('npm run producer -- serve', async () => {
    const run = uniqueName('ctrl-c-ingest');
    const port = await freePort();
    const r = await interrupt(['producer', '--', 'serve'], {
      env: {
        KAFKA_BROKERS: testBrokers().join(','),
        TOPIC_EVENTS: `${run}.events`,
        INGEST_PORT: String(port),
        INGEST_HOST: '127.0.0.1',
        INGEST_TOKEN: 'ctrl-c-test-token',
        LOG_LEVEL: 'info',
      },
      ready: (out) => out.includes('ingestion endpoint listening'),
    });
    expect(summary(r)).toEqual([]);
    // Its port is free again: the server closed rather than being left to a dying process.
    expect(r.output).not.toContain('producer failed');
  }, 120_000);
});
