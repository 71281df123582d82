// `npm run bench`: ratios measured side by side on this machine, one file per figure, written to bench/results.json
// and bench/RESULTS.md. `npm run bench -- api-economy memory` runs only the named figures and writes nothing.
import { startCluster, type KafkaCluster } from '@zendesk-lifecycle/kafka';
import { apiEconomy } from './api-economy.js';
import { deprovisionFlood } from './deprovision-flood.js';
import { say, writeResults, type Figure } from './figures.js';
import { memory } from './memory.js';
import { pipeline } from './pipeline.js';
import { rateBudget } from './rate-budget.js';
import { sandboxThroughput } from './sandbox-throughput.js';

type Kafka = () => Promise<KafkaCluster>;

/** Every figure, in the order of RESULTS.md. */
const benchmarks: Array<[string, (kafka: Kafka) => Promise<Figure[]>]> = [
  ['sandbox-throughput', () => sandboxThroughput()],
  ['memory', () => memory()],
  ['api-economy', () => apiEconomy()],
  ['pipeline', async (kafka) => pipeline(await kafka())],
  ['rate-budget', () => rateBudget()],
  ['deprovision-flood-1', async (kafka) => deprovisionFlood(await kafka(), 1, 'join')],
  ['deprovision-flood-3', async (kafka) => deprovisionFlood(await kafka(), 3, 'leave')],
  ['deprovision-flood-6', async (kafka) => deprovisionFlood(await kafka(), 6, 'join')],
];

const only = process.argv.slice(2);
const unknown = only.filter((name) => !benchmarks.some(([n]) => n === name));
if (unknown.length > 0) {
  say(`unknown figure ${unknown.join(', ')}; the figures: ${benchmarks.map(([n]) => n).join(', ')}`);
  process.exit(2);
}

// A broker only when a figure needs one: KAFKA_BROKERS, else one of our own.
let cluster: Promise<KafkaCluster> | undefined;
let own: KafkaCluster | undefined;
const kafka: Kafka = () => {
  const brokers = process.env.KAFKA_BROKERS;
  cluster ??= brokers
    ? Promise.resolve({ brokers: brokers.split(','), bootstrap: brokers } as KafkaCluster)
    : startCluster().then((started) => (own = started));
  return cluster;
};

const figures: Figure[] = [];
try {
  for (const [name, run] of benchmarks)
    if (only.length === 0 || only.includes(name)) figures.push(...(await run(kafka)));
} finally {
  await own?.stop();
}
if (only.length === 0) writeResults(figures);
for (const f of figures)
  say(`${f.name}: ${f.ours} vs ${f.theirs} (ratio ${f.ratio}; goal ${f.goal}: ${f.met ? 'met' : 'NOT met'})`);
process.exit(0);
