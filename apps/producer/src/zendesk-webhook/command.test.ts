// The commands as an operator runs them: install prints what it did and where the secret went, never the secret;
// status shows the webhook; a missing --url is a usage error (exit 2).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';

const run = promisify(execFile);
const cwd = new URL('../..', import.meta.url).pathname;
let sandbox: RunningSandbox;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0 });
  env = {
    ...process.env,
    ZENDESK_BASE_URL: sandbox.url,
    ZENDESK_OAUTH_CLIENT_ID: sandbox.credentials.oauthClientId,
    ZENDESK_OAUTH_CLIENT_SECRET: sandbox.credentials.oauthClientSecret,
  };
});
afterAll(async () => {
  await sandbox.stop();
});

const cli = (...args: string[]) =>
  run('npx', ['tsx', 'src/cli.ts', 'zendesk-webhook', ...args], { cwd, env });

describe('npm run producer -- zendesk-webhook', () => {
  it('installs, writing the secret to the file and not to the terminal, then shows the status', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'zwh-cli-')), 'secret');
    const installed = await cli('install', '--url', 'http://127.0.0.1:8080', '--secret-file', file);
    const secret = readFileSync(file, 'utf8').trim();
    expect(secret.length).toBeGreaterThanOrEqual(16);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(installed.stdout).toMatch(
      /^created webhook zendesk-lifecycle user events \(\w+\) -> http:\/\/127\.0\.0\.1:8080\/zendesk\/webhook/,
    );
    expect(installed.stdout).toContain(`signing secret written to ${file}`);
    expect(installed.stdout + installed.stderr).not.toContain(secret);
    const [webhook] = sandbox.webhooks.list();
    expect(webhook).toMatchObject({ status: 'active', endpoint: 'http://127.0.0.1:8080/zendesk/webhook' });

    const status = await cli('status');
    expect(status.stdout).toContain('status         active');
    expect(status.stdout).toContain('last delivery  none yet');
    expect(status.stdout).not.toContain(secret);
  });

  it('refuses install without --url, and an http URL off loopback (exit 2)', async () => {
    for (const args of [['install'], ['install', '--url', 'http://ingest.example.com']]) {
      const failed = await cli(...args).catch((e: { code: number; stderr: string }) => e);
      expect((failed as { code: number }).code).toBe(2);
    }
  });
});
