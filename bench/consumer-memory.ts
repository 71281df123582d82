// Figure: the consumer's RSS under a sustained flood (suspends published at a steady rate for minutes), sampled
// from its Prometheus endpoint (process_resident_memory_bytes); the slope after the first quarter (start-up, JIT,
// heap sizing) says whether it stays flat.
import { createLifecycleEvent } from '@zendesk-lifecycle/core';
import { startSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { consumerRun } from './consumer-run.js';
import { round, say, slope, type BenchContext, type Figure } from './figures.js';

export async function consumerMemory(ctx: BenchContext): Promise<Figure[]> {
  const seconds = ctx.quick ? 15 : 150;
  // Below what the consumer does on a busy 2-core machine, so that it keeps up and a backlog does not fill memory.
  const perSecond = ctx.quick ? 12 : 20;
  say(`consumer memory: RSS during ${seconds} s of ${perSecond} suspends per second`);
  const cluster = await ctx.kafka();
  const sandbox = await startSandbox({ seed: { users: 3000, tickets: 0 }, rpm: 0, logRequests: false });
  const agents = [...sandbox.state.users.values()].filter(
    (u) => u.role === 'agent' && !u.suspended && u.id !== sandbox.state.ownerId,
  );
  const run = await consumerRun(cluster, sandbox, 'rss', []);
  const samples: Array<[number, number]> = [];
  let published = 0;
  let answered = 0;
  try {
    await run.fleet.add();
    await run.ready();
    const start = Date.now();
    const rss = async () => {
      const [value] = (await run.fleet.metric('process_resident_memory_bytes')).values();
      samples.push([(Date.now() - start) / 60_000, value! / 1024 / 1024]);
    };
    // A user is suspended on the first pass, then found suspended already: both kinds of work, over and over.
    while (Date.now() - start < seconds * 1000) {
      const tick = Date.now();
      const batch = Array.from({ length: perSecond / 4 }, () => {
        const user = agents[published % agents.length]!;
        return createLifecycleEvent({
          type: 'lifecycle.access_revoked.v1',
          source: 'bench',
          id: `rss-${published++}-${start}`,
          user: { id: user.id },
        });
      });
      await run.publish(batch);
      if (samples.length === 0 || tick - start >= samples.length * 2000) await rss();
      await new Promise((r) => setTimeout(r, Math.max(0, 250 - (Date.now() - tick))));
    }
    await rss();
    answered = run.resultTimes().length;
    await run.waitForResults(published, 300_000);
  } finally {
    await run.stop();
    await sandbox.stop();
  }
  const window = samples.filter(([minute]) => minute >= seconds / 60 / 4);
  const perMinute = slope(window);
  const startRss = window[0]![1];
  const tenMinutes = perMinute * 10;
  return [
    {
      name: `consumer RSS growth during a ${seconds} s flood (${published} events), MB per minute`,
      ours: round(perMinute, 2),
      comparison: `RSS at the start of the window (MB; ${window.length} samples, ${round(window.at(-1)![1], 0)} MB at the end; ${answered} of the events answered by then)`,
      theirs: round(startRss, 1),
      ratio: round(tenMinutes / startRss, 3),
      unit: 'MB/min',
      goal: 'flat: 10 minutes at this slope add <= 5 % of the RSS (ratio = 10 x slope / RSS <= 0.05)',
      met: tenMinutes / startRss <= 0.05,
    },
  ];
}
