// The reliability suite's parts, for other tools (the benchmarks run consumer fleets too).
export { runChaos, type RunOptions, type FaultContext } from './harness.js';
export { ConsumerFleet } from '@zendesk-lifecycle/kafka';
export { buildWorkload, type Workload, type AgentFacts, type ExpectedState } from './workload.js';
export { readLedger, type Ledger } from './ledger.js';
export { checkInvariants, printFigures, type Verdict } from './invariants.js';
