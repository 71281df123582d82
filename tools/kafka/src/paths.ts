// Where the local broker keeps its artifacts, data and logs: a git-ignored cache under the repository root.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Kafka version used when KAFKA_VERSION is not set. Chosen by the smoke tests; see README. */
export const DEFAULT_KAFKA_VERSION = '4.4.0';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Root of everything tools/kafka writes; override with KAFKA_CACHE_DIR. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KAFKA_CACHE_DIR ? resolve(env.KAFKA_CACHE_DIR) : join(repoRoot, '.cache', 'kafka');
}

export function libsDir(version: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), `libs-${version}`);
}

export function kafkaVersion(env: NodeJS.ProcessEnv = process.env): string {
  return env.KAFKA_VERSION?.trim() || DEFAULT_KAFKA_VERSION;
}
