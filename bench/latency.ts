// Figures: time from publish to result for a single suspend on an idle system (one event at a time), p50 and p99,
// against the least the Zendesk calls themselves take: the same calls (as the sandbox logged them for one of the
// suspends) sent directly to the same sandbox, one after the other, for as many users.
import { createLifecycleEvent } from '@zendesk-lifecycle/core';
import { startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { consumerRun } from './consumer-run.js';
import { quantile, round, say, type BenchContext, type Figure } from './figures.js';

type Call = { method: string; path: string; query: string };

/** A body the sandbox accepts for the call, of the size the client sends (the time is what matters). */
function bodyOf(call: Call): string | undefined {
  if (call.method === 'GET' || call.method === 'DELETE') return undefined;
  if (call.path.includes('/users/')) return JSON.stringify({ user: { suspended: true } });
  if (call.path.includes('/tickets'))
    return JSON.stringify({
      ticket: { subject: 'bench', comment: { body: 'x'.repeat(800), public: false }, tags: ['itsm_audit'] },
    });
  return '{}';
}

/** The time of the calls of one event, sent directly, in order, with `userId` in place of the original user. */
async function direct(sandbox: RunningSandbox, calls: Call[], from: number, userId: number): Promise<number> {
  const auth = `Basic ${Buffer.from(`${sandbox.credentials.email}/token:${sandbox.credentials.token}`).toString('base64')}`;
  const started = performance.now();
  for (const call of calls) {
    const path = call.path.replace(`/users/${from}`, `/users/${userId}`);
    const body = bodyOf(call);
    const res = await fetch(`${sandbox.url}${path}${call.query ? `?${call.query}` : ''}`, {
      method: call.method,
      headers: { authorization: auth, 'content-type': 'application/json' },
      ...(body ? { body } : {}),
    });
    await res.arrayBuffer();
  }
  return performance.now() - started;
}

export async function latency(ctx: BenchContext): Promise<Figure[]> {
  const n = ctx.quick ? 30 : 200;
  say(
    `latency: ${n} single suspends, one at a time, publish to result, vs the same Zendesk calls made directly`,
  );
  const cluster = await ctx.kafka();
  const sandbox = await startSandbox({ seed: { users: 2 * n + 200, tickets: 0 }, rpm: 0 });
  const agents = [...sandbox.state.users.values()].filter(
    (u) => u.role === 'agent' && !u.suspended && u.id !== sandbox.state.ownerId,
  );
  if (agents.length < 2 * n) throw new Error(`latency: ${agents.length} agents, ${2 * n} needed`);
  const run = await consumerRun(cluster, sandbox, 'latency', []);
  const times: number[] = [];
  let calls: Call[] = [];
  try {
    await run.fleet.add();
    await run.ready();
    for (let i = 0; i < n; i++) {
      const user = agents[i]!;
      const event = createLifecycleEvent({
        type: 'lifecycle.access_revoked.v1',
        source: 'bench',
        id: `latency-${i}-${Date.now()}`,
        user: { id: user.id },
      });
      const before = run.resultTimes().length;
      const from = sandbox.state.requestLog.length;
      const sent = Date.now();
      await run.publish([event]);
      const arrived = (await run.waitForResults(before + 1, 60_000))[before]!;
      times.push(arrived - sent);
      if (i === 0)
        calls = sandbox.state.requestLog
          .slice(from)
          .map(({ method, path, query }) => ({ method, path, query }));
    }
  } finally {
    await run.stop();
  }
  const first = agents[0]!.id;
  const least: number[] = [];
  for (let i = 0; i < n; i++) least.push(await direct(sandbox, calls, first, agents[n + i]!.id));
  await sandbox.stop();
  const figure = (q: number, label: string, slackMs: number): Figure => {
    const ours = quantile(times, q);
    const theirs = quantile(least, q);
    return {
      name: `latency of a single suspend, publish to result, ${label} over ${n} (ms)`,
      ours: round(ours, 1),
      comparison: `the same ${calls.length} Zendesk calls made directly, ${label}`,
      theirs: round(theirs, 1),
      ratio: round(ours / theirs, 1),
      unit: 'ms',
      goal: `<= the calls + ${slackMs} ms (Kafka hops and the result's transaction)`,
      met: ours <= theirs + slackMs,
    };
  };
  return [figure(0.5, 'p50', 100), figure(0.99, 'p99', 250)];
}
