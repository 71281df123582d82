// LOG_LEVEL as both services read it: a pino level, `info` when unset, any case.
import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A zod field for LOG_LEVEL: trimmed, lower-cased, one of LOG_LEVELS; `info` when unset or blank. */
export const envLogLevel = () =>
  z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim().toLowerCase() : 'info'))
    .pipe(z.enum(LOG_LEVELS));
