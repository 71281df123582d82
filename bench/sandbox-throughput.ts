// Figure: the sandbox's own speed (show, and a deep cursor page on 10,000 users) against a bare node:http server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { round, say, type BenchContext, type Figure } from './figures.js';

async function requestsPerSecond(
  url: string,
  headers: Record<string, string>,
  seconds: number,
  concurrency = 16,
): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        const res = await fetch(url, { headers });
        await res.arrayBuffer();
        done++;
      }
    }),
  );
  return done / seconds;
}

export async function sandboxThroughput(ctx: BenchContext): Promise<Figure[]> {
  const figures: Figure[] = [];
  const seconds = ctx.quick ? 1 : 3;
  say('sandbox throughput: show and cursor list on 10,000 users vs a bare node:http server');
  const sandbox = await startSandbox({ seed: { users: 10_000, tickets: 0 }, rpm: 0, logRequests: false });
  const auth = {
    authorization: `Basic ${Buffer.from(`${sandbox.credentials.email}/token:${sandbox.credentials.token}`).toString('base64')}`,
  };
  const body = JSON.stringify({ user: { id: 1, name: 'x' } });
  const bare: Server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(body),
  );
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', () => r()));
  const barePort = (bare.address() as AddressInfo).port;
  const show = await requestsPerSecond(`${sandbox.baseUrl}/users/100500.json`, auth, seconds);
  const list = await requestsPerSecond(
    `${sandbox.baseUrl}/users.json?page[size]=100&page[after]=${Buffer.from('id:105000').toString('base64url')}`,
    auth,
    seconds,
  );
  const baseline = await requestsPerSecond(`http://127.0.0.1:${barePort}/`, {}, seconds);
  bare.close();
  await sandbox.stop();
  figures.push({
    name: 'sandbox show (req/s)',
    ours: round(show, 0),
    comparison: 'bare node:http constant reply',
    theirs: round(baseline, 0),
    ratio: round(show / baseline),
    unit: 'req/s',
    goal: '>= 2,000 req/s',
    met: show >= 2000,
  });
  figures.push({
    name: 'sandbox cursor page of 100 deep in 10,000 users (req/s)',
    ours: round(list, 0),
    comparison: 'bare node:http constant reply',
    theirs: round(baseline, 0),
    ratio: round(list / baseline),
    unit: 'req/s',
    goal: '>= 500 req/s',
    met: list >= 500,
  });
  return figures;
}
