// Test support: an HTTP endpoint that records what a webhook sends (headers and the raw body) and answers with the
// statuses a test lines up (then 200).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got: headers and raw body. */
export interface Received {
  headers: Record<string, string>;
  body: string;
  /** The status the receiver answered. */
  answered: number;
}

/** A running receiver: its URL, what it got, and how to stop it. */
export interface WebhookReceiver {
  url: string;
  received: Received[];
  /** Answers the next requests with these (status, and optional headers), in order; then 200. */
  answer(...replies: Array<number | { status: number; headers?: Record<string, string> }>): void;
  /** Waits until `count` requests arrived (or throws after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  stop(): Promise<void>;
}

/** Starts an HTTP server that records what webhooks post to it (for tests). */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: Received[] = [];
  const queue: Array<{ status: number; headers?: Record<string, string> }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = queue.shift() ?? { status: 200 };
      received.push({
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body: Buffer.concat(chunks).toString('utf8'),
        answered: reply.status,
      });
      res.writeHead(reply.status, reply.headers ?? {});
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    answer: (...replies) =>
      void queue.push(...replies.map((r) => (typeof r === 'number' ? { status: r } : r))),
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline)
          throw new Error(`the webhook receiver got ${received.length} requests, not ${count}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return received;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
