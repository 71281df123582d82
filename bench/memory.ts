// Figures: how the peak memory of listing every agent and admin grows with the account, streamed by our client
// (listAccounts) against node-zendesk's own listing (users.getAll), at three account sizes; each listing runs in a
// fresh child process (memory-child.ts) that reports its own peak RSS. Growth is the least-squares slope of peak
// RSS over the number of users listed, so the fixed start-up floor of Node (the same for both) drops out.
// Both children run twice: with V8's default flags, where the heap grows with the allocation rate (V8 collects
// lazily while memory is plentiful), and with --optimize-for-size, where it collects promptly, so peak RSS follows
// what is kept. The goals are judged on the second, the same flags for both sides; the first is in the notes.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { root, round, say, slope, type BenchContext, type Figure } from './figures.js';

/** Below this our slope is within what peak RSS can resolve: the ratio is taken against it instead. */
const RESOLUTION_MB_PER_10K = 0.05;

export async function memory(ctx: BenchContext): Promise<Figure[]> {
  const sizes = ctx.quick ? [2_000, 10_000, 20_000] : [10_000, 50_000, 100_000];
  say(
    `memory: peak RSS listing ${sizes.join(', ')} users, streamed vs node-zendesk getAll (child processes)`,
  );
  const sandbox = await startSandbox({ seed: 'empty', rpm: 0, logRequests: false });
  const list = async (mode: 'stream' | 'getAll', v8Flags: string[]) => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        ...v8Flags,
        '--import',
        'tsx',
        `${root}bench/memory-child.ts`,
        mode,
        sandbox.url,
        sandbox.credentials.email,
        sandbox.credentials.token,
      ],
      { cwd: root, maxBuffer: 1 << 20 },
    );
    return JSON.parse(stdout) as { count: number; peakRssBytes: number };
  };
  const mb = (b: number) => b / 1024 / 1024;
  const settings = { prompt: ['--optimize-for-size'], lazy: [] as string[] };
  const points = {
    prompt: { ours: [] as Array<[number, number]>, theirs: [] as Array<[number, number]> },
    lazy: { ours: [] as Array<[number, number]>, theirs: [] as Array<[number, number]> },
  };
  for (const users of sizes) {
    sandbox.reset({ users, tickets: 0 });
    for (const gc of ['prompt', 'lazy'] as const) {
      const a = await list('stream', settings[gc]);
      const b = await list('getAll', settings[gc]);
      if (a.count !== b.count)
        throw new Error(`memory: listed ${a.count} streamed but ${b.count} with getAll`);
      points[gc].ours.push([a.count, mb(a.peakRssBytes)]);
      points[gc].theirs.push([b.count, mb(b.peakRssBytes)]);
      say(
        `  ${a.count} agents and admins (${gc === 'prompt' ? '--optimize-for-size' : 'default V8 flags'}): ` +
          `${round(mb(a.peakRssBytes), 1)} MB streamed, ${round(mb(b.peakRssBytes), 1)} MB getAll`,
      );
    }
  }
  await sandbox.stop();
  const per10k = (p: Array<[number, number]>) => slope(p) * 10_000;
  const { ours, theirs } = points.prompt;
  const oursSlope = per10k(ours);
  const theirsSlope = per10k(theirs);
  const counts = ours.map(([n]) => n).join(', ');
  const peaks = (p: Array<[number, number]>) => p.map(([, y]) => round(y, 0)).join(' / ');
  const flatter = theirsSlope / Math.max(oursSlope, RESOLUTION_MB_PER_10K);
  const lazyOurs = per10k(points.lazy.ours);
  const lazyTheirs = per10k(points.lazy.theirs);
  const lazyNote =
    `With V8's default flags (lazy collection) in both children: ${round(lazyOurs, 2)} MB per 10,000 streamed ` +
    `(peaks ${peaks(points.lazy.ours)} MB) vs ${round(lazyTheirs, 1)} getAll (peaks ${peaks(points.lazy.theirs)} MB), ` +
    `${round(lazyTheirs / Math.max(lazyOurs, RESOLUTION_MB_PER_10K), 1)}x flatter: V8 lets the heap grow with the ` +
    'allocation rate while memory is plentiful, which is not memory the stream keeps.';
  return [
    {
      name: `memory growth listing agents and admins (MB per 10,000; ${counts} listed)`,
      ours: round(oursSlope, 3),
      comparison: `node-zendesk getAll (peaks ${peaks(theirs)} MB; ours ${peaks(ours)} MB)`,
      theirs: round(theirsSlope, 2),
      ratio: round(oursSlope / theirsSlope, 3),
      unit: 'MB per 10,000 users',
      goal: '<= 1 MB per 10,000 users (both children with --optimize-for-size: peak RSS follows what is kept)',
      met: oursSlope <= 1,
      note: lazyNote,
    },
    {
      name: 'memory growth: how many times flatter ours is than node-zendesk getAll',
      ours: round(flatter, 1),
      comparison: `required (our slope floored at ${RESOLUTION_MB_PER_10K} MB per 10,000, the resolution of peak RSS)`,
      theirs: 10,
      ratio: round(flatter / 10, 2),
      unit: 'x flatter',
      goal: '>= 10x flatter (ratio >= 1), both children with --optimize-for-size',
      met: flatter >= 10,
      note: lazyNote,
    },
  ];
}
