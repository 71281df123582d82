// Starts real Apache Kafka KRaft nodes (combined broker+controller) on loopback and stops them cleanly.
// One node for tests and the demo; three for the reliability suite's replication tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ensureArtifacts, javaBinary } from './artifacts.js';
import { KafkaToolError } from './errors.js';
import { kafkaVersion } from './paths.js';
import { freePort, waitForPort } from './ports.js';
import { log4jProperties, serverProperties, type NodeConfig } from './server-config.js';

export interface StartClusterOptions {
  /** Number of combined nodes (1 for tests and the demo, 3 for replication tests). */
  nodes?: number;
  /** Broker port of the first node; free ports are picked when left out. */
  port?: number;
  host?: string;
  /** Parent folder of every node's data; a new temporary folder when left out (removed on stop). */
  dataDir?: string;
  version?: string;
  /** JVM heap flags; KAFKA_HEAP_OPTS or a small heap by default. */
  heapOpts?: string;
  /** How long to wait for the cluster to answer a metadata request. */
  timeoutMs?: number;
  /** Keep the JVMs running after this Node process exits (the CLI's `start`). */
  detached?: boolean;
  log?: (line: string) => void;
}

export interface KafkaNode {
  readonly nodeId: number;
  readonly brokerPort: number;
  readonly pid: number | undefined;
  readonly dataDir: string;
  readonly logFile: string;
  isRunning(): boolean;
  /** SIGTERM and wait (controlled shutdown); SIGKILL after the grace period. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once, as a crash would. */
  kill(): Promise<void>;
  /** Start again on the same data, ports and cluster id. */
  restart(): Promise<void>;
}

export interface KafkaCluster {
  /** Comma-separated bootstrap servers, the value KAFKA_BROKERS takes. */
  readonly bootstrap: string;
  readonly brokers: string[];
  readonly nodes: KafkaNode[];
  readonly version: string;
  stop(): Promise<void>;
}

function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function readClusterId(dataDir: string): string | null {
  const meta = join(dataDir, 'meta.properties');
  if (!existsSync(meta)) return null;
  const match = /^cluster\.id=(.+)$/m.exec(readFileSync(meta, 'utf8'));
  return match?.[1]?.trim() ?? null;
}

function tail(file: string, lines = 40): string {
  if (!existsSync(file)) return '(no log written)';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

interface NodeLaunch {
  config: NodeConfig;
  classpath: string;
  clusterId: string;
  heapOpts: string;
  detached: boolean;
}

class LocalNode implements KafkaNode {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private running = false;
  readonly logDir: string;

  constructor(private readonly launch: NodeLaunch) {
    this.logDir = join(launch.config.dataDir, '..', `logs-${launch.config.nodeId}`);
  }

  get nodeId() {
    return this.launch.config.nodeId;
  }
  get brokerPort() {
    return this.launch.config.brokerPort;
  }
  get pid() {
    return this.child?.pid;
  }
  get dataDir() {
    return this.launch.config.dataDir;
  }
  get logFile() {
    return join(this.logDir, 'server.log');
  }
  private get outFile() {
    return join(this.logDir, 'kafka.out');
  }

  isRunning() {
    return this.running;
  }

  /** Writes the configuration and formats the storage unless it is already formatted. */
  prepare(): void {
    const { config, classpath, clusterId } = this.launch;
    mkdirSync(config.dataDir, { recursive: true });
    mkdirSync(this.logDir, { recursive: true });
    writeFileSync(this.propertiesFile, serverProperties(config));
    writeFileSync(this.log4jFile, log4jProperties());
    if (readClusterId(config.dataDir)) return;
    const result = spawnSync(
      javaBinary(),
      [
        '-Xmx256m',
        `-Dkafka.logs.dir=${this.logDir}`,
        `-Dlog4j2.configurationFile=${this.log4jFile}`,
        '-cp',
        join(classpath, '*'),
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        this.propertiesFile,
        '--ignore-formatted',
      ],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) {
      throw new KafkaToolError(
        'format_failed',
        `Kafka storage format failed:\n${result.stdout}${result.stderr}`,
      );
    }
  }

  private get propertiesFile() {
    return join(this.logDir, 'server.properties');
  }
  private get log4jFile() {
    return join(this.logDir, 'log4j2.properties');
  }

  spawn(): void {
    const out = openSync(this.outFile, 'a');
    const heap = this.launch.heapOpts.split(/\s+/).filter(Boolean);
    const child = spawn(
      javaBinary(),
      [
        ...heap,
        '-XX:+UseG1GC',
        '-XX:TieredStopAtLevel=1',
        '-Djava.awt.headless=true',
        `-Dkafka.logs.dir=${this.logDir}`,
        `-Dlog4j2.configurationFile=${this.log4jFile}`,
        '-cp',
        join(this.launch.classpath, '*'),
        'kafka.Kafka',
        this.propertiesFile,
      ],
      // Own process group: Ctrl-C reaches our Node process, which then stops the broker in order.
      { stdio: ['ignore', out, out], detached: true },
    );
    closeSync(out);
    this.child = child;
    this.running = true;
    this.exited = new Promise((resolve) => {
      child.once('exit', () => {
        this.running = false;
        resolve();
      });
    });
    if (!this.launch.detached) {
      process.once('exit', () => {
        if (this.running && child.pid) process.kill(child.pid, 'SIGKILL');
      });
    } else {
      child.unref();
    }
  }

  async waitUntilListening(deadline: number): Promise<void> {
    const ok = await waitForPort(this.brokerPort, deadline, () => this.running, this.launch.config.host);
    if (ok) return;
    const why = this.running ? 'did not open its port in time' : 'exited during start-up';
    throw new KafkaToolError(
      'broker_not_ready',
      `Kafka node ${this.nodeId} ${why}. Last lines of ${this.logFile}:\n${tail(this.logFile)}\n${tail(this.outFile, 10)}`,
    );
  }

  async stop(graceMs = 30_000): Promise<void> {
    if (!this.running || !this.child?.pid) return;
    process.kill(this.child.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (this.running && this.child?.pid) process.kill(this.child.pid, 'SIGKILL');
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  async kill(): Promise<void> {
    if (!this.running || !this.child?.pid) return;
    process.kill(this.child.pid, 'SIGKILL');
    await this.exited;
  }

  async restart(): Promise<void> {
    await this.stop();
    this.spawn();
    await this.waitUntilListening(Date.now() + 60_000);
  }
}

/** Waits until the cluster answers a metadata request with every broker registered. */
export async function waitForMetadata(brokers: string[], expected: number, deadline: number): Promise<void> {
  const kafka = new Kafka({ clientId: 'zendesk-lifecycle-kafka-tool', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length >= expected && cluster.controller !== null) {
        await admin.disconnect();
        return;
      }
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await admin.disconnect().catch(() => undefined);
  throw new KafkaToolError(
    'broker_not_ready',
    `Kafka did not answer a metadata request in time: ${String(lastError)}`,
  );
}

/** Starts a local cluster of `nodes` combined KRaft nodes and waits until it answers metadata requests. */
export async function startCluster(options: StartClusterOptions = {}): Promise<KafkaCluster> {
  const count = options.nodes ?? 1;
  const host = options.host ?? '127.0.0.1';
  const version = options.version ?? kafkaVersion();
  const classpath = ensureArtifacts(version, { log: options.log });
  const ownsData = options.dataDir === undefined;
  const root = options.dataDir ?? mkdtempSync(join(tmpdir(), 'zendesk-lifecycle-kafka-'));
  const ports: Array<{ broker: number; controller: number }> = [];
  for (let i = 0; i < count; i++) {
    const broker = i === 0 && options.port ? options.port : await freePort(host);
    ports.push({ broker, controller: await freePort(host) });
  }
  const voters = ports.map((p, i) => `${i + 1}@${host}:${p.controller}`);
  const clusterId = readClusterId(join(root, 'node-1')) ?? newClusterId();
  const replication = Math.min(count, 3);
  const nodes = ports.map(
    (p, i) =>
      new LocalNode({
        config: {
          nodeId: i + 1,
          host,
          brokerPort: p.broker,
          controllerPort: p.controller,
          dataDir: join(root, `node-${i + 1}`),
          voters,
          replicationFactor: replication,
          minInsyncReplicas: Math.max(1, replication - 1),
        },
        classpath,
        clusterId,
        heapOpts: options.heapOpts ?? process.env.KAFKA_HEAP_OPTS ?? '-Xms256m -Xmx512m',
        detached: options.detached ?? false,
      }),
  );
  for (const node of nodes) node.prepare();
  // Every node starts before any is waited on: a broker is unfenced only once the quorum has a leader.
  for (const node of nodes) node.spawn();
  const brokers = nodes.map((n) => `${host}:${n.brokerPort}`);
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  try {
    await Promise.all(nodes.map((n) => n.waitUntilListening(deadline)));
    await waitForMetadata(brokers, count, deadline);
  } catch (error) {
    await Promise.all(nodes.map((n) => n.kill()));
    throw error;
  }
  return {
    bootstrap: brokers.join(','),
    brokers,
    nodes,
    version,
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
      if (ownsData) rmSync(root, { recursive: true, force: true });
    },
  };
}
