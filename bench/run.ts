// `npm run bench`: ratios measured side by side on this machine, one file per figure, each figure the median of
// `--runs N` runs (default 3) with min and max, written to bench/results.json and bench/RESULTS.md with the commit
// and the machine. `npm run bench -- --quick`: one run of each figure at reduced size, printed, nothing written
// (the CI smoke). `npm run bench -- api-economy memory` runs only the named figures and writes nothing.
import { startCluster, type KafkaCluster } from '@zendesk-lifecycle/kafka';
import { apiEconomy } from './api-economy.js';
import { callsPerEvent } from './calls-per-event.js';
import { consumerMemory } from './consumer-memory.js';
import { deprovisionFlood } from './deprovision-flood.js';
import { combineRuns, describe, say, writeResults, type BenchContext, type Figure } from './figures.js';
import { latency } from './latency.js';
import { memory } from './memory.js';
import { pipeline } from './pipeline.js';
import { rateBudget } from './rate-budget.js';
import { sandboxThroughput } from './sandbox-throughput.js';

/**
 * Every figure, in the order of RESULTS.md. `once`: a figure that is itself a long series of samples (a slope over
 * minutes) runs once, not `--runs` times, to keep the full bench within 20 minutes on 2 cores.
 */
const benchmarks: Array<[string, (ctx: BenchContext) => Promise<Figure[]>, { once?: boolean }?]> = [
  ['sandbox-throughput', (ctx) => sandboxThroughput(ctx)],
  ['memory', (ctx) => memory(ctx)],
  ['api-economy', () => apiEconomy()],
  ['calls-per-event', (ctx) => callsPerEvent(ctx)],
  ['latency', (ctx) => latency(ctx)],
  ['pipeline', async (ctx) => pipeline(await ctx.kafka())],
  ['consumer-memory', (ctx) => consumerMemory(ctx), { once: true }],
  ['rate-budget', (ctx) => rateBudget(ctx)],
  ['deprovision-flood-1', async (ctx) => deprovisionFlood(await ctx.kafka(), 1, 'join', ctx)],
  ['deprovision-flood-3', async (ctx) => deprovisionFlood(await ctx.kafka(), 3, 'leave', ctx)],
  ['deprovision-flood-6', async (ctx) => deprovisionFlood(await ctx.kafka(), 6, 'join', ctx)],
];

function parseArgs(argv: string[]) {
  const quick = argv.includes('--quick');
  const at = argv.indexOf('--runs');
  const runs = at >= 0 ? Number(argv[at + 1]) : quick ? 1 : 3;
  if (!Number.isInteger(runs) || runs < 1) {
    say('--runs needs a whole number of runs, at least 1');
    process.exit(2);
  }
  const only = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--runs');
  return { quick, runs, only };
}

const { quick, runs, only } = parseArgs(process.argv.slice(2));
const unknown = only.filter((name) => !benchmarks.some(([n]) => n === name));
if (unknown.length > 0) {
  say(`unknown figure ${unknown.join(', ')}; the figures: ${benchmarks.map(([n]) => n).join(', ')}`);
  process.exit(2);
}
const chosen = benchmarks.filter(([name]) => only.length === 0 || only.includes(name));

// A broker only when a figure needs one: KAFKA_BROKERS, else one of our own.
let cluster: Promise<KafkaCluster> | undefined;
let own: KafkaCluster | undefined;
const ctx: BenchContext = {
  quick,
  kafka: () => {
    const brokers = process.env.KAFKA_BROKERS;
    cluster ??= brokers
      ? Promise.resolve({ brokers: brokers.split(','), bootstrap: brokers } as KafkaCluster)
      : startCluster().then((started) => (own = started));
    return cluster;
  },
};

// Runs interleave (every figure once, then again), so that a slow minute of a shared machine spreads over figures
// instead of spoiling all runs of one.
const started = Date.now();
const perRun = new Map<string, Figure[][]>();
try {
  for (let run = 1; run <= runs; run++) {
    if (runs > 1) say(`run ${run} of ${runs}`);
    for (const [name, bench, how] of chosen) {
      if (how?.once && run > 1) continue;
      const t0 = Date.now();
      const figures = await bench(ctx);
      say(`${name}: ${Math.round((Date.now() - t0) / 1000)} s`);
      perRun.set(name, [...(perRun.get(name) ?? []), figures]);
    }
  }
} finally {
  await own?.stop();
}
const figures: Figure[] = [];
for (const [name] of chosen) {
  const all = perRun.get(name) ?? [];
  const count = Math.max(...all.map((f) => f.length));
  for (let i = 0; i < count; i++) figures.push(combineRuns(all.flatMap((f) => (f[i] ? [f[i]!] : []))));
}
say(`${Math.round((Date.now() - started) / 1000)} s in all`);
if (only.length === 0 && !quick) writeResults(figures, runs);
for (const f of figures) say(describe(f));
if (quick)
  say('quick mode: reduced sizes, one run; goals are reported, not enforced, and no file is written');
process.exit(0);
