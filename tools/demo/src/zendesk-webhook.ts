// The closed loop's set-up, as a user does it (issue 24): a signing secret in a file (mode 0600) that the ingestion
// service reads (ZENDESK_WEBHOOK_SECRET_FILE), and the webhook created in Zendesk (here the sandbox) by the
// producer's CLI, `npm run producer -- zendesk-webhook install --url ... --secret-file F`, run as a process.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './services.js';

/** Writes a fresh random signing secret into `logDir` (readable by the owner only) and returns the file's path. */
export function writeWebhookSecret(logDir: string): string {
  const file = join(logDir, 'zendesk-webhook-secret');
  writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  return file;
}

/** Creates (or updates) the webhook through Zendesk's Webhooks API; returns what the CLI printed (nothing secret). */
export async function installWebhook(options: {
  env: Record<string, string>;
  url: string;
  secretFile: string;
}): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repoRoot, 'apps/producer/src/cli.ts'),
      'zendesk-webhook',
      'install',
      '--url',
      options.url,
      '--secret-file',
      options.secretFile,
    ],
    { cwd: repoRoot, env: { ...process.env, ...options.env, FORCE_COLOR: '0' }, timeout: 60_000 },
  );
  return stdout.trim();
}
