// Consumer instances as real OS processes, to be added, stopped, killed and read (Prometheus /metrics): the chaos
// suite's faults and the benchmarks' fleets.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../ports.js';
import { startConsumerProcess, type ServiceProcess } from './service-process.js';

interface Member {
  name: string;
  process: ServiceProcess;
  opsPort: number;
}

export interface ConsumerFleetOptions {
  /**
   * When `add()` resolves: once /healthz answers (the process is up; default), or once /readyz does (the group is
   * joined and Zendesk answers; every probe makes one Zendesk call).
   */
  probe?: 'healthz' | 'readyz';
}

export class ConsumerFleet {
  private readonly members = new Map<string, Member>();
  private counter = 0;
  kills = 0;
  restarts = 0;

  constructor(
    private readonly env: Record<string, string>,
    private readonly logDir: string,
    private readonly options: ConsumerFleetOptions = {},
  ) {
    mkdirSync(logDir, { recursive: true });
  }

  get size(): number {
    return this.members.size;
  }

  names(): string[] {
    return [...this.members.keys()];
  }

  /** Starts one more consumer process; resolves once its probe answers. */
  async add(extraEnv: Record<string, string> = {}): Promise<string> {
    const name = `consumer-${++this.counter}`;
    const opsPort = await freePort();
    const started = await startConsumerProcess({
      name,
      opsPort,
      probe: this.options.probe ?? 'healthz',
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

  /** Whether every member answers /readyz with 200 now (each probe makes one Zendesk call). */
  async allReady(): Promise<boolean> {
    const answers = await Promise.all(
      [...this.members.values()].map((m) =>
        fetch(`http://127.0.0.1:${m.opsPort}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
          (r) => r.ok,
          () => false,
        ),
      ),
    );
    return answers.length > 0 && answers.every(Boolean);
  }

  /** One unlabelled Prometheus sample (e.g. `process_resident_memory_bytes`) of every member, by name. */
  async metric(sample: string): Promise<Map<string, number>> {
    const values = new Map<string, number>();
    for (const member of this.members.values()) {
      const text = await fetch(`http://127.0.0.1:${member.opsPort}/metrics`).then((r) => r.text());
      const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
      if (!line) throw new Error(`${member.name} does not report ${sample}`);
      values.set(member.name, Number(line.split(' ')[1]));
    }
    return values;
  }

  /**
   * CPU seconds the consumer processes have used so far (user + system, summed over the fleet), from their
   * Prometheus endpoint.
   */
  async cpuSeconds(): Promise<number> {
    let total = 0;
    for (const value of (await this.metric('process_cpu_seconds_total')).values()) total += value;
    return total;
  }

  pick(random: () => number): string | undefined {
    const names = this.names();
    return names[Math.floor(random() * names.length)];
  }
}
