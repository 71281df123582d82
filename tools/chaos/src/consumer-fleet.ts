// Consumer instances as real OS processes, to be killed, restarted, added and removed by the fault tests.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startConsumerProcess, type ServiceProcess } from '@zendesk-lifecycle/kafka';

interface Member {
  name: string;
  process: ServiceProcess;
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
    const started = await startConsumerProcess({
      name,
      opsPort,
      probe: 'healthz',
      env: { ...this.env, ...extraEnv, CONSUMER_INSTANCE_ID: name },
      output: { file: join(this.logDir, `${name}.log`) },
    });
    this.members.set(name, { name, process: started, opsPort });
    return name;
  }

  /** SIGKILL: no shutdown, no commit, no leave-group; exactly what a crash does. */
  async kill(name: string): Promise<void> {
    const member = this.members.get(name);
    if (!member) return;
    await member.process.kill();
    this.members.delete(name);
    this.kills++;
  }

  /** SIGTERM: the graceful path (finish the record in hand, leave the group). */
  async stop(name: string): Promise<void> {
    const member = this.members.get(name);
    if (!member) return;
    await member.process.stop(30_000);
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
