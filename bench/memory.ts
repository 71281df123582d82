// Figure: peak memory of streaming every agent of a 50,000-user account against node-zendesk's getAll (two child
// processes, memory-child.ts).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { root, round, say, type Figure } from './figures.js';

export async function memory(): Promise<Figure[]> {
  const figures: Figure[] = [];
  say('memory: streaming 50,000 agents vs node-zendesk getAll of the same account (child processes)');
  const sandbox = await startSandbox({ seed: { users: 50_000, tickets: 0 }, rpm: 0, logRequests: false });
  const run = async (mode: string) => {
    const { stdout } = await promisify(execFile)(
      `${root}node_modules/.bin/tsx`,
      [
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
  const ours = await run('stream');
  const theirs = await run('getAll');
  await sandbox.stop();
  const mb = (b: number) => round(b / 1024 / 1024, 1);
  figures.push({
    name: `peak RSS listing ${ours.count} agents and admins (MB)`,
    ours: mb(ours.peakRssBytes),
    comparison: `node-zendesk getAll (${theirs.count} records in memory)`,
    theirs: mb(theirs.peakRssBytes),
    ratio: round(ours.peakRssBytes / theirs.peakRssBytes),
    unit: 'MB',
    goal: 'ratio < 1 (constant memory)',
    met: ours.peakRssBytes < theirs.peakRssBytes,
  });
  return figures;
}
