// The apps as child processes (as they run in production), each with its log file in the demo's log directory.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startConsumerProcess,
  startServiceProcess,
  type ServiceProcessOptions,
} from '@zendesk-lifecycle/kafka';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface Service {
  readonly name: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

type Where = { name: string; env: Record<string, string>; logDir: string };

function logged(options: Where): { logFile: string; env: Record<string, string> } {
  mkdirSync(options.logDir, { recursive: true });
  return { logFile: join(options.logDir, `${options.name}.log`), env: { ...options.env, FORCE_COLOR: '0' } };
}

async function started(
  name: string,
  logFile: string,
  start: Promise<{ stop(graceMs?: number): Promise<void> }>,
) {
  const service = await start;
  return { name, logFile, stop: () => service.stop(15_000) };
}

/** The consumer, ready once its `/readyz` (or `/healthz`) on `opsPort` answers. */
export function startConsumer(
  options: Where & { opsPort: number; probe: 'healthz' | 'readyz' },
): Promise<Service> {
  const { logFile, env } = logged(options);
  return started(options.name, logFile, startConsumerProcess({ ...options, env, output: { file: logFile } }));
}

/** Any other entry point (the ingestion endpoint), ready once `readyUrl` answers. */
export function startService(
  options: Where & Pick<ServiceProcessOptions, 'entry' | 'args' | 'readyUrl'>,
): Promise<Service> {
  const { logFile, env } = logged(options);
  return started(options.name, logFile, startServiceProcess({ ...options, env, output: { file: logFile } }));
}
