// The operator's view: `npm run kafka -- start | status | stop` on a background broker.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';

const run = promisify(execFile);
const daemonDir = mkdtempSync(join(tmpdir(), 'kafka-cli-test-'));
const env = { ...process.env, KAFKA_DAEMON_DIR: daemonDir, KAFKA_BROKERS: '' };
const cli = (...args: string[]) =>
  run('npx', ['tsx', join(import.meta.dirname, 'cli.ts'), ...args], { env }).catch(
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

afterAll(async () => {
  await cli('stop');
  rmSync(daemonDir, { recursive: true, force: true });
});

describe('kafka CLI', () => {
  it('starts a background broker, reports it, and stops it', async () => {
    const started = await cli('start');
    const bootstrap = started.stdout.trim();
    expect(bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(started.stderr).toMatch(/Apache Kafka \S+ started/);

    const status = await cli('status');
    expect(status.stdout.trim()).toBe(bootstrap);
    // The whole verdict: /answering/ alone would match "NOT answering" too.
    expect(status.stderr).toMatch(/, answering\n$/);

    const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    expect((await admin.describeCluster()).brokers).toHaveLength(1);
    await admin.disconnect();

    const stopped = await cli('stop');
    expect(stopped.stderr).toMatch(/stopped/);
    const after = await cli('status');
    expect(after.stderr).toMatch(/not running/);
  }, 120_000);
});
