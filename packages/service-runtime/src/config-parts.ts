// A service's configuration is read in parts (Kafka's, its own, ...); a wrong variable in one part must not hide
// those of the others, so every part is read and all their problems are reported together.
import { ConfigError } from '@zendesk-lifecycle/core';

type Parts = Record<string, () => unknown>;

/** Reads every part; returns their values by name, or throws one ConfigError listing all of their problems. */
export function readConfigParts<T extends Parts>(parts: T): { [K in keyof T]: ReturnType<T[K]> } {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, read] of Object.entries(parts)) {
    try {
      values[name] = read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return values as { [K in keyof T]: ReturnType<T[K]> };
}
