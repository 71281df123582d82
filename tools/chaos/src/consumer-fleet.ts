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
    const child = spawn(
      join(repoRoot, 'node_modules', '.bin', 'tsx'),
      [join(repoRoot, 'apps/consumer/src/main.ts')],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          ...this.env,
          ...extraEnv,
          OPS_PORT: String(opsPort),
          CONSUMER_INSTANCE_ID: name,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
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

  pick(random: () => number): string | undefined {
    const names = this.names();
    return names[Math.floor(random() * names.length)];
  }
}
