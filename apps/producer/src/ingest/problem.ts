// Error answers of the ingestion endpoint as RFC 9457 problem details (application/problem+json): a stable
// `type` per kind of refusal, a title, the status, a detail for the sender, and the request's correlation id.
import type { ServerResponse } from 'node:http';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export interface Problem {
  /** `urn:zendesk-lifecycle:problem:<code>`: what a sender routes on. */
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Extension members (e.g. `events` with the fields at fault); never internals. */
  [extension: string]: unknown;
}

/** A problem of kind `code` (e.g. `forbidden_source`), with extra members for the sender. */
export function problem(
  status: number,
  code: string,
  title: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): Problem {
  return { ...extensions, type: `urn:zendesk-lifecycle:problem:${code}`, title, status, detail };
}

/** The problem's wire form: the body with the correlation id, and its headers. */
export function problemResponse(
  body: Problem,
  correlationId: string,
): { headers: Record<string, string>; text: string } {
  const text = JSON.stringify({ ...body, correlation_id: correlationId });
  return {
    headers: {
      'content-type': PROBLEM_MEDIA_TYPE,
      'content-length': String(Buffer.byteLength(text)),
      'x-correlation-id': correlationId,
    },
    text,
  };
}

/**
 * Sends a problem. With `close`, the connection closes after it and the rest of an unread body is discarded
 * (not left unread, which would make the kernel reset the connection and lose the answer on the way).
 */
export function sendProblem(
  res: ServerResponse,
  body: Problem,
  correlationId: string,
  options: { close?: boolean; headers?: Record<string, string> } = {},
): void {
  const { headers, text } = problemResponse(body, correlationId);
  res.writeHead(body.status, {
    ...headers,
    ...options.headers,
    ...(options.close ? { connection: 'close' } : {}),
  });
  if (options.close) res.req.resume();
  res.end(text);
}
