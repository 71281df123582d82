// The demo's last step: the audit report of its own run (issue 22), written by the producer's CLI as an operator
// would run it (`npm run producer -- audit-report`), into the demo's log directory.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './services.js';

/** Writes today's audit report (HTML) into `logDir` and returns its path. */
export async function writeAuditReport(options: {
  env: Record<string, string>;
  logDir: string;
  /** The sandbox's search index lag: tickets younger than this are not found yet. */
  searchLagMs: number;
}): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, options.searchLagMs + 500));
  const today = new Date().toISOString().slice(0, 10);
  const out = join(options.logDir, 'audit-report.html');
  await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repoRoot, 'apps/producer/src/cli.ts'),
      'audit-report',
      '--from',
      today,
      '--to',
      today,
      '--out',
      out,
    ],
    { cwd: repoRoot, env: { ...process.env, ...options.env, FORCE_COLOR: '0' }, timeout: 120_000 },
  );
  return out;
}
