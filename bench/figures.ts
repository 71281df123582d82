// What every benchmark figure holds, the small helpers they share, how repeated runs become one figure (the
// median run, with min and max), and how bench/results.json and bench/RESULTS.md are written from them.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { KafkaCluster } from '@zendesk-lifecycle/kafka';

export interface Figure {
  name: string;
  ours: number;
  comparison: string;
  theirs: number;
  ratio: number;
  unit: string;
  goal: string;
  met: boolean;
  /** Why the figure is what it is, where the number alone misleads (e.g. a goal not met: the reason, the next step). */
  note?: string;
  /** Set on a figure of several runs: how many, and the spread of `ours` and of `ratio` over them. */
  runs?: { n: number; ours: [number, number]; ratio: [number, number] };
}

/** What every benchmark is given. */
export interface BenchContext {
  /** A broker, started on first use unless KAFKA_BROKERS is set. */
  kafka: () => Promise<KafkaCluster>;
  /** `--quick`: reduced sizes, for the CI smoke. */
  quick: boolean;
}

/** Zendesk's highest account limit (Enterprise Plus, or the High Volume add-on). */
export const HIGHEST_ZENDESK_RPM = 2500;
export const root = new URL('..', import.meta.url).pathname;
export const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);
export const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

/** The 429s a rate-limited run collected, against the calls served (goal: at most 1 %). */
export function tooManyRequests(name: string, limited: number, served: number): Figure {
  return {
    name,
    ours: limited,
    comparison: 'calls served',
    theirs: served,
    ratio: round(limited / Math.max(1, served), 3),
    unit: 'answers',
    goal: '<= 1 % of calls',
    met: limited / Math.max(1, served) <= 0.01,
  };
}

/** The value at quantile q (0..1) of the values, nearest rank. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Least-squares slope of y over x. */
export function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

/**
 * One figure from the same figure of several runs: the run whose ratio is the median (the lower median for an even
 * count) stands for all, its goal verdict included, with the min and max of `ours` and of the ratio over the runs.
 */
export function combineRuns(runs: Figure[]): Figure {
  if (runs.length === 1) return runs[0]!;
  const byRatio = [...runs].sort((a, b) => a.ratio - b.ratio);
  const median = byRatio[Math.floor((byRatio.length - 1) / 2)]!;
  const ours = runs.map((f) => f.ours);
  const ratios = runs.map((f) => f.ratio);
  return {
    ...median,
    runs: {
      n: runs.length,
      ours: [Math.min(...ours), Math.max(...ours)],
      ratio: [Math.min(...ratios), Math.max(...ratios)],
    },
  };
}

/** Which commit and machine measured: recorded with every results file. */
export function machine() {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  return {
    commit: git('rev-parse', 'HEAD') || 'unknown',
    dirty: git('status', '--porcelain', '--untracked-files=no') !== '',
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memory_gb: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    date: new Date().toISOString(),
  };
}

const spread = (f: Figure) =>
  f.runs
    ? {
        ours: `${f.ours} (${f.runs.ours[0]}-${f.runs.ours[1]})`,
        ratio: `${f.ratio} (${f.runs.ratio[0]}-${f.runs.ratio[1]})`,
      }
    : { ours: String(f.ours), ratio: String(f.ratio) };

/** One line per figure, for the terminal. */
export function describe(f: Figure): string {
  const s = spread(f);
  return `${f.name}: ${s.ours} vs ${f.theirs} (ratio ${s.ratio}; goal ${f.goal}: ${f.met ? 'met' : 'NOT met'})`;
}

export function writeResults(figures: Figure[], runs: number): void {
  const notes = figures.filter((f) => f.note).map((f) => `**${f.name}**: ${f.note}`);
  const about = { ...machine(), runs };
  writeFileSync(`${root}bench/results.json`, `${JSON.stringify({ ...about, figures }, null, 2)}\n`);
  const rows = figures.map((f) => {
    const s = spread(f);
    return `| ${f.name} | ${s.ours} | ${f.comparison}: ${f.theirs} | ${s.ratio} | ${f.goal} | ${f.met ? 'met' : 'NOT met'} |`;
  });
  const commit = `${about.commit}${about.dirty ? ' (with uncommitted changes)' : ''}`;
  writeFileSync(
    `${root}bench/RESULTS.md`,
    [
      '# Benchmark results',
      '',
      `Generated by \`npm run bench\` (do not edit by hand) on ${about.date}, commit ${commit}.`,
      `Machine: ${about.cores} cores (${about.cpu}), ${about.memory_gb} GB, Node ${about.node}.`,
      '',
      `Each figure is the median of ${runs} runs (the run with the median ratio), with the min-max of ours and of`,
      'the ratio over the runs in brackets. Ratios, not absolute times: machines differ. What each figure measures:',
      'bench/README.md.',
      '',
      '| figure | ours | compared with | ratio | goal | goal met |',
      '|---|---|---|---|---|---|',
      ...rows,
      ...(notes.length > 0 ? ['', '## Notes', '', ...notes.map((n) => `- ${n}`)] : []),
      '',
    ].join('\n'),
  );
}
