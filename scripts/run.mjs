#!/usr/bin/env node
// Entry point of every root npm script. It only uses Node's own modules, so that it can run on a fresh clone:
// it installs what is missing (npm dependencies; the Kafka artifacts through tools/kafka), then runs the command.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [command = 'start', ...args] = process.argv.slice(2);

const commands = {
  start: ['tsx', 'tools/demo/src/main.ts'],
  test: ['tsx', 'tools/kafka/src/cli.ts', 'exec', '--', 'node', 'scripts/test.mjs'],
  'test:chaos': ['tsx', 'tools/kafka/src/cli.ts', 'exec', '--', 'node', 'scripts/test.mjs', '--chaos'],
  consumer: ['tsx', 'apps/consumer/src/main.ts'],
  producer: ['tsx', 'apps/producer/src/cli.ts'],
  sandbox: ['tsx', 'packages/zendesk-sandbox/src/cli.ts'],
  kafka: ['tsx', 'tools/kafka/src/cli.ts'],
  bench: ['tsx', 'bench/run.ts'],
};

function say(line) {
  process.stderr.write(`[zendesk-lifecycle] ${line}\n`);
}

/** Installs npm dependencies when node_modules is missing or older than the lockfile. */
function ensureDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const fresh =
    existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs);
  if (fresh) return;
  say('installing npm dependencies (npm ci), once...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, [existsSync(lock) ? 'ci' : 'install', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    say('npm could not install the dependencies; see the output above.');
    process.exit(result.status ?? 1);
  }
}

/** Without KAFKA_BROKERS, the services use the background broker of `npm run kafka -- start` when it runs. */
function localBrokerEnv() {
  if (process.env.KAFKA_BROKERS || !['consumer', 'producer'].includes(command)) return {};
  const dir = process.env.KAFKA_DAEMON_DIR ?? join(root, '.cache', 'kafka', 'daemon');
  try {
    const info = JSON.parse(readFileSync(join(dir, 'daemon.json'), 'utf8'));
    process.kill(info.pid, 0);
    say(`using the local Kafka broker at ${info.bootstrap} (npm run kafka -- status)`);
    return { KAFKA_BROKERS: info.bootstrap };
  } catch {
    return {};
  }
}

const spec = commands[command];
if (!spec) {
  say(`unknown command "${command}". Known: ${Object.keys(commands).join(', ')}`);
  process.exit(2);
}
ensureDependencies();

const [bin, ...binArgs] = spec;
// TypeScript entry points run in this Node with tsx's loader rather than through the tsx launcher, which would
// put one more process between a signal and the program.
const [file, argv] =
  bin === 'tsx'
    ? [process.execPath, ['--import', 'tsx', ...binArgs, ...args]]
    : [join(root, 'node_modules', '.bin', bin), [...binArgs, ...args]];
// The workspace runs our packages from source: their `exports` name src/index.ts under this condition (outside
// users get dist/). Every Node process below (tsx programs, Nx, vitest and what tests start) inherits it.
const sourceCondition = '--conditions=@zendesk-lifecycle/source';
const nodeOptions = (process.env.NODE_OPTIONS ?? '').includes(sourceCondition)
  ? process.env.NODE_OPTIONS
  : [process.env.NODE_OPTIONS, sourceCondition].filter(Boolean).join(' ');
const child = spawn(file, argv, {
  cwd: root,
  stdio: 'inherit',
  env: {
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    ...process.env,
    NODE_OPTIONS: nodeOptions,
    ...localBrokerEnv(),
  },
});
// The terminal delivers Ctrl-C to the child too; the parent only waits for it to finish cleaning up.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
// `npm start` stopped with SIGTERM (a process manager, `timeout`) ends npm without passing the signal on; when
// our parent goes away, stop the program as if it had been sent SIGTERM instead of leaving it running.
const parent = process.ppid;
const orphaned = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(orphaned);
  child.kill('SIGTERM');
}, 1000).unref();
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
