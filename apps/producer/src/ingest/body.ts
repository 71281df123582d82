// Reading a request body with a size and a time limit, shared by every endpoint of the ingestion service.
import type { IncomingMessage } from 'node:http';

/** The body, or why there is none: over the limit, too slow, or the client went away. */
export type Body = Buffer | 'too_large' | 'timeout' | 'aborted';

/** Reads the body up to `limit` bytes within `deadlineMs`; stops buffering as soon as either is passed. */
export function readBody(req: IncomingMessage, limit: number, deadlineMs: number): Promise<Body> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (outcome: Body) => {
      clearTimeout(timer);
      req.removeListener('data', onData);
      resolve(outcome);
    };
    const timer = setTimeout(() => finish('timeout'), deadlineMs);
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish('too_large');
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => finish(Buffer.concat(chunks)));
    req.on('error', () => finish('aborted'));
    req.on('close', () => {
      if (!req.complete) finish('aborted');
    });
  });
}
