// Configuration errors list every wrong setting at once, one line each, named as the user wrote it.
import type { z } from 'zod';
import { LifecycleError } from '../errors/lifecycle-error.js';

/** Invalid configuration: one line per wrong setting (`problems`). */
export class ConfigError extends LifecycleError {
  constructor(readonly problems: string[]) {
    super('invalid_config', `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses `input` with `schema`, or throws a ConfigError naming each wrong field (by its variable name). */
export function parseConfig<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
  );
}
