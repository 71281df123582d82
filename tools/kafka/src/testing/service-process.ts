// The services as real OS processes, as production runs them: for the e2e tests, the chaos fleet and the demo.
// Node itself with tsx's loader, not the `tsx` launcher: the launcher runs the program in a second process, and a
// signal to the launcher would leave the service running, an orphan, instead of stopping it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** The consumer's entry point, relative to the repository root. */
export const CONSUMER_ENTRY = 'apps/consumer/src/main.ts';

export interface ServiceProcessOptions {
  /** Names the process in errors. */
  name: string;
  /** The program, relative to the repository root. */
  entry: string;
  args?: string[];
  /** On top of this process's environment. */
  env: Record<string, string>;
  /** An HTTP URL that answers 2xx once the service is up (its health or readiness probe). */
  readyUrl: string;
  /** Where stdout and stderr go: appended to this file, or handed to this function. */
  output?: { file: string } | ((chunk: Buffer) => void);
  timeoutMs?: number;
}

export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** SIGTERM, the graceful path; SIGKILL if it is still running after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL: no shutdown, no commit, no leave-group; exactly what a crash does. */
  kill(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(500) }).then(
    (r) => r.ok,
    () => false,
  );
}

/** Starts `entry` and resolves once `readyUrl` answers; throws (and kills it) when it exits or is late. */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, options.entry), ...(options.args ?? [])],
    {
      cwd: repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const where = options.output && 'file' in options.output ? `; see ${options.output.file}` : '';
  if (typeof options.output === 'function') {
    const onChunk = options.output;
    for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => onChunk(chunk));
  } else if (options.output) {
    const log = createWriteStream(options.output.file, { flags: 'a' });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
  } else {
    child.stdout!.resume();
    child.stderr!.resume();
  }
  // If this process ends without stopping the service (a failed test run), the service must not outlive it.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  const exited = new Promise<void>((done) =>
    child.once('exit', () => {
      process.off('exit', orphanGuard);
      done();
    }),
  );
  const running = () => child.exitCode === null && child.signalCode === null;
  const service: ServiceProcess = {
    name: options.name,
    child,
    exited,
    async stop(graceMs = 30_000) {
      if (!running()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (!running()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (!(await answers(options.readyUrl))) {
    if (!running()) throw new Error(`${options.name} exited during start-up${where}`);
    if (Date.now() > deadline) {
      await service.kill();
      throw new Error(`${options.name} was not ready in time${where}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return service;
}

/** Starts the consumer with `env` on top of this process's environment, ready once its `OPS_PORT` answers. */
export function startConsumerProcess(
  options: Omit<ServiceProcessOptions, 'entry' | 'readyUrl'> & {
    opsPort: number;
    probe: 'healthz' | 'readyz';
  },
): Promise<ServiceProcess> {
  const { opsPort, probe, ...rest } = options;
  return startServiceProcess({
    ...rest,
    entry: CONSUMER_ENTRY,
    env: { ...options.env, OPS_PORT: String(opsPort) },
    readyUrl: `http://127.0.0.1:${opsPort}/${probe}`,
  });
}
