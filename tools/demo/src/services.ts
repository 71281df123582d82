// Runs the apps as child processes (as they run in production) and waits until each says it is ready.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface Service {
  readonly name: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

/** Starts `tsx <entry> <args>` with `env`, its output in a log file; resolves once `ready()` says so. */
export async function startService(options: {
  name: string;
  entry: string;
  args?: string[];
  env: Record<string, string>;
  logDir: string;
  ready: () => Promise<boolean>;
  timeoutMs?: number;
}): Promise<Service> {
  mkdirSync(options.logDir, { recursive: true });
  const logFile = join(options.logDir, `${options.name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = spawn(
    join(repoRoot, 'node_modules', '.bin', 'tsx'),
    [join(repoRoot, options.entry), ...(options.args ?? [])],
    {
      cwd: repoRoot,
      env: { ...process.env, ...options.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited = false;
  const exit = new Promise<void>((done) =>
    child.once('exit', () => {
      exited = true;
      done();
    }),
  );
  const killOnExit = () => child.pid && !exited && process.kill(-child.pid, 'SIGKILL');
  process.once('exit', killOnExit);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (!(await options.ready().catch(() => false))) {
    if (exited) throw new Error(`${options.name} exited during start-up; see ${logFile}`);
    if (Date.now() > deadline) {
      if (child.pid) process.kill(-child.pid, 'SIGKILL'); // the whole group: tsx runs the program in a child
      throw new Error(`${options.name} was not ready in time; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    name: options.name,
    logFile,
    async stop() {
      if (exited || !child.pid) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
      process.off('exit', killOnExit);
    },
  };
}

/** True when an HTTP GET answers 2xx. */
export async function answers(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
  return res.ok;
}
