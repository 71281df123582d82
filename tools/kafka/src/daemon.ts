// A broker that outlives the command that started it (`npm run kafka -- start`), tracked by a state file.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCluster } from './broker.js';
import { cacheDir } from './paths.js';
import { canConnect } from './ports.js';

export interface DaemonInfo {
  pid: number;
  bootstrap: string;
  port: number;
  version: string;
  dataDir: string;
  logFile: string;
  startedAt: string;
}

/** Folder of the background broker's state and data; KAFKA_DAEMON_DIR overrides it. */
const daemonDir = () => process.env.KAFKA_DAEMON_DIR ?? join(cacheDir(), 'daemon');
const stateFile = () => join(daemonDir(), 'daemon.json');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The running daemon, or null (a stale state file is removed). */
export function readDaemon(): DaemonInfo | null {
  if (!existsSync(stateFile())) return null;
  const info = JSON.parse(readFileSync(stateFile(), 'utf8')) as DaemonInfo;
  if (alive(info.pid)) return info;
  rmSync(stateFile(), { force: true });
  return null;
}

export async function startDaemon(options: {
  port?: number;
  version?: string;
  log?: (line: string) => void;
}): Promise<{ info: DaemonInfo; alreadyRunning: boolean }> {
  const running = readDaemon();
  if (running) return { info: running, alreadyRunning: true };
  const dataDir = join(daemonDir(), 'data');
  mkdirSync(dataDir, { recursive: true });
  const cluster = await startCluster({ ...options, dataDir, detached: true });
  const node = cluster.nodes[0]!;
  const info: DaemonInfo = {
    pid: node.pid!,
    bootstrap: cluster.bootstrap,
    port: node.brokerPort,
    version: cluster.version,
    dataDir,
    logFile: node.logFile,
    startedAt: new Date().toISOString(),
  };
  writeFileSync(stateFile(), JSON.stringify(info, null, 2));
  return { info, alreadyRunning: false };
}

/** Stops the daemon: SIGTERM (controlled shutdown), SIGKILL after 30 s. Returns false when none ran. */
export async function stopDaemon(): Promise<boolean> {
  const info = readDaemon();
  if (!info) return false;
  process.kill(info.pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (alive(info.pid) && Date.now() < deadline) await sleep(100);
  if (alive(info.pid)) process.kill(info.pid, 'SIGKILL');
  rmSync(stateFile(), { force: true });
  return true;
}

export async function daemonAnswers(info: DaemonInfo): Promise<boolean> {
  return canConnect(info.port);
}
