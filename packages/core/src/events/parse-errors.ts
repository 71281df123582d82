// Why an event was not accepted: a code a machine can route on, a sentence, and the exact fields at fault.
import type { z } from 'zod';

/** Why an event could not be read, as a code. */
export type ParseErrorCode =
  | 'empty'
  | 'too_large'
  | 'not_json'
  | 'invalid_envelope'
  | 'unknown_type'
  | 'invalid_data'
  | 'subject_mismatch';

interface FieldIssue {
  /** Dotted path of the field, e.g. `data.user.email`. */
  path: string;
  message: string;
}

/** Why an event could not be read: code, reason, and each issue. */
export interface EventParseError {
  code: ParseErrorCode;
  reason: string;
  issues: FieldIssue[];
}

/** The result of reading an event: the event, or why not. */
export type ParseResult<T> = { ok: true; event: T } | { ok: false; error: EventParseError };

export function issuesOf(error: z.ZodError, prefix: string[] = []): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map(String)].join('.') || '(event)',
    message: issue.message,
  }));
}

export function failure(
  code: ParseErrorCode,
  reason: string,
  issues: FieldIssue[] = [],
): { ok: false; error: EventParseError } {
  return { ok: false, error: { code, reason, issues } };
}

/** One line: the reason followed by each field at fault. */
export function describeParseError(error: EventParseError): string {
  if (error.issues.length === 0) return error.reason;
  return `${error.reason}: ${error.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
}
