// Consumer instances as real OS processes, to be killed, restarted, added and removed by the fault tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => done(port));
    });
  });
}

interface Member {
  name: string;
  child: ChildProcess;
  exited: Promise<void>;
  opsPort: number;
}

export class ConsumerFleet {
  private readonly members = new Map<string, Member>();
  private counter = 0;
  kills = 0;
  restarts = 0;

  constructor(
    private readonly env: Record<string, string>,
    private readonly logDir: string,
  ) {
    mkdirSync(logDir, { recursive: true });
  }

  get size(): number {
    return this.members.size;
  }

  names(): string[] {
    return [...this.members.keys()];
  }

  /** Starts one more consumer process; resolves once its ops endpoint answers. */
  async add(extraEnv: Record<string, string> = {}): Promise<string> {
    const name = `consumer-${++this.counter}`;
    const opsPort = await freePort();
    const log = createWriteStream(join(this.logDir, `${name}.log`), { flags: 'a' });
    // Node itself with tsx's loader, not the `tsx` launcher: the launcher runs the program in a second process,
    // and a SIGKILL to the launcher would leave the consumer running, an orphan, instead of killing it.
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'apps/consumer/src/main.ts')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...this.env,
        ...extraEnv,
        OPS_PORT: String(opsPort),
        CONSUMER_INSTANCE_ID: name,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    // If this process ends without stopping the fleet (a failed test run), the consumers must not outlive it.
    const orphanGuard = () => child.kill('SIGKILL');
    process.once('exit', orphanGuard);
    const exited = new Promise<void>((done) =>
      child.once('exit', () => {
        process.off('exit', orphanGuard);
        done();
      }),
    );
    this.members.set(name, { name, child, exited, opsPort });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${opsPort}/healthz`, {
        signal: AbortSignal.timeout(500),
      }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return name;
      if (child.exitCode !== null)
        throw new Error(`${name} exited during start-up; see ${this.logDir}/${name}.log`);
      if (Date.now() > deadline) throw new Error(`${name} did not start in time`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** SIGKILL: no shutdown, no commit, no leave-group; exactly what a crash does. */
  async kill(name: string): Promise<void> {
    const member = this.members.get(name);
    if (!member) return;
    member.child.kill('SIGKILL');
    await member.exited;
    this.members.delete(name);
    this.kills++;
  }

  /** SIGTERM: the graceful path (finish the record in hand, leave the group). */
  async stop(name: string): Promise<void> {
    const member = this.members.get(name);
    if (!member) return;
    member.child.kill('SIGTERM');
    const timer = setTimeout(() => member.child.kill('SIGKILL'), 30_000);
    await member.exited;
    clearTimeout(timer);
    this.members.delete(name);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.names().map((n) => this.stop(n)));
  }

  /**
   * CPU seconds the consumer processes have used so far (user + system, summed over the fleet), from their
   * Prometheus endpoint.
   */
  async cpuSeconds(): Promise<number> {
    let total = 0;
    for (const member of this.members.values()) {
      const text = await fetch(`http://127.0.0.1:${member.opsPort}/metrics`).then((r) => r.text());
      const line = text.split('\n').find((l) => l.startsWith('process_cpu_seconds_total '));
      if (!line) throw new Error(`${member.name} does not report process_cpu_seconds_total`);
      total += Number(line.split(' ')[1]);
    }
    return total;
  }

  pick(random: () => number): string | undefined {
    const names = this.names();
    return names[Math.floor(random() * names.length)];
  }
}
