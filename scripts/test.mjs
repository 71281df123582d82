#!/usr/bin/env node
// `npm test`: formatting, then typecheck, lint and test of every project through Nx (offline, no daemon in CI).
// tools/kafka has already started one broker for the whole run and exported KAFKA_BROKERS.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const chaos = process.argv.includes('--chaos');
const env = {
  ...process.env,
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  ...(process.env.CI ? { NX_DAEMON: 'false' } : {}),
};
if (chaos) env.CHAOS_FULL = 'true';

function run(title, command, args) {
  process.stderr.write(`\n[zendesk-lifecycle] ${title}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    process.stderr.write(`[zendesk-lifecycle] ${title}: failed\n`);
    process.exit(result.status ?? 1);
  }
}

if (chaos) {
  run('chaos suite (full)', bin('nx'), ['run', 'chaos:full', '--outputStyle=stream', '--skip-nx-cache']);
} else {
  run('formatting (prettier --check)', bin('prettier'), ['--check', '--log-level=warn', '.']);
  run('typecheck, lint and test of every project', bin('nx'), [
    'run-many',
    '-t',
    'typecheck',
    'lint',
    'test',
    '--outputStyle=stream',
  ]);
  // The benchmark smoke: every figure once at reduced size (about 3 minutes), printed; goals are reported, not
  // enforced, and bench/RESULTS.md is not rewritten. BENCH_QUICK=false skips it.
  if (process.env.BENCH_QUICK !== 'false')
    run('benchmark smoke (npm run bench -- --quick)', bin('nx'), [
      'run',
      'bench:quick',
      '--outputStyle=stream',
    ]);
}
