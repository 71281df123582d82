// Figures: how the peak memory of listing every agent and admin grows with the account, streamed by our client
// (listAccounts) against node-zendesk's own listing (users.getAll), at three account sizes; each listing runs in a
// fresh child process (memory-child.ts) that reports its own peak RSS. Growth is the least-squares slope of peak
// RSS over the number of users listed, so the fixed start-up floor of Node (the same for both) drops out.
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
  const list = async (mode: 'stream' | 'getAll') => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
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
  const ours: Array<[number, number]> = [];
  const theirs: Array<[number, number]> = [];
  const mb = (b: number) => b / 1024 / 1024;
  for (const users of sizes) {
    sandbox.reset({ users, tickets: 0 });
    const a = await list('stream');
    const b = await list('getAll');
    if (a.count !== b.count) throw new Error(`memory: listed ${a.count} streamed but ${b.count} with getAll`);
    ours.push([a.count, mb(a.peakRssBytes)]);
    theirs.push([b.count, mb(b.peakRssBytes)]);
    say(
      `  ${a.count} agents and admins: ${round(mb(a.peakRssBytes), 1)} MB streamed, ${round(mb(b.peakRssBytes), 1)} MB getAll`,
    );
  }
  await sandbox.stop();
  const per10k = (points: Array<[number, number]>) => slope(points) * 10_000;
  const oursSlope = per10k(ours);
  const theirsSlope = per10k(theirs);
  const counts = ours.map(([n]) => n).join(', ');
  const peaks = (points: Array<[number, number]>) => points.map(([, y]) => round(y, 0)).join(' / ');
  const flatter = theirsSlope / Math.max(oursSlope, RESOLUTION_MB_PER_10K);
  return [
    {
      name: `memory growth listing agents and admins (MB per 10,000; ${counts} listed)`,
      ours: round(oursSlope, 3),
      comparison: `node-zendesk getAll (peaks ${peaks(theirs)} MB; ours ${peaks(ours)} MB)`,
      theirs: round(theirsSlope, 2),
      ratio: round(oursSlope / theirsSlope, 3),
      unit: 'MB per 10,000 users',
      goal: '<= 1 MB per 10,000 users',
      met: oursSlope <= 1,
    },
    {
      name: 'memory growth: how many times flatter ours is than node-zendesk getAll',
      ours: round(flatter, 1),
      comparison: `required (our slope floored at ${RESOLUTION_MB_PER_10K} MB per 10,000, the resolution of peak RSS)`,
      theirs: 10,
      ratio: round(flatter / 10, 2),
      unit: 'x flatter',
      goal: '>= 10x flatter (ratio >= 1)',
      met: flatter >= 10,
    },
  ];
}
