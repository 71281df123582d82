// One fault run: a sandbox account, unique topics, consumer processes, a workload published, a fault script
// running while the consumers work, then the ledger read back and every invariant checked. The default policy has a
// grace period of seconds, so the scheduler's purges come due in the middle of the faults, and the run waits for
// them too.
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { eventKey } from '@zendesk-lifecycle/core';
import { ConsumerFleet, consumerEnvironment } from '@zendesk-lifecycle/kafka';
import { seededRandom, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import {
  checkInvariants,
  deprovisionRules,
  expectedPurge,
  printFigures,
  purgesDone,
  type Verdict,
} from './invariants.js';
import { openLedger, type Ledger } from './ledger.js';
import { until, WaitTimeout } from './until.js';
import { buildWorkload, type Workload } from './workload.js';

/** Lifetime of the sandbox's OAuth access tokens in a chaos run: several renewals per run. */
const TOKEN_SECONDS = 20;

/** The default policy's grace period before a purge: short, so purges come due while the faults go on. */
export const GRACE_SECONDS = 8;

export interface RunOptions {
  name: string;
  brokers: string;
  users: number;
  consumers: number;
  seed?: number;
  partitions?: number;
  /** A separate account for audit tickets (its own sandbox), to fail it on its own. */
  separateItsm?: boolean;
  /** Runs while the consumers work; resolves when the faults are over. */
  faults?: (ctx: FaultContext) => Promise<void>;
  timeoutMs?: number;
  consumerEnv?: Record<string, string>;
  /**
   * The consumers' policy (default: no practical blast-radius limit, and `purge_after_days` of `graceSeconds`).
   * Deprovisions follow it: with a grace period the run waits for (up to PURGE_WAITED_FOR_MS), they must end purged.
   */
  policy?: unknown;
  /** The default policy's grace period before a purge, in seconds (default GRACE_SECONDS). */
  graceSeconds?: number;
  /** Re-hire every so many deprovisioned users inside their grace period (published once the soft delete is seen). */
  rehireEvery?: number;
  /** How long to wait for the purges (and cancellations) after every event has its outcome (default 300 s). */
  purgeTimeoutMs?: number;
  /** Looks at the run before it is torn down (for faults whose end state is not "all done"). */
  inspect?: (
    ctx: FaultContext & { topics: Record<string, string>; groupId: string; logDir: string },
    ledger: Ledger,
  ) => Promise<void> | void;
}

export interface FaultContext {
  fleet: ConsumerFleet;
  sandbox: RunningSandbox;
  itsm: RunningSandbox;
  random: () => number;
  /** Counts of faults injected, printed with the figures. */
  injected: Record<string, number>;
  /**
   * Resolves once `share` of the events have a terminal outcome (as seen by the sandbox's audit tickets);
   * fails, naming the share and the count reached, when that takes longer than `timeoutMs` (default 120 s).
   */
  progress(share: number, timeoutMs?: number): Promise<void>;
  /**
   * Resolves once Zendesk has done `count` scheduled purges (permanent deletes that changed something), so that a
   * fault can hit the scheduler's work; fails naming the count reached after `timeoutMs` (default 120 s).
   */
  purged(count: number, timeoutMs?: number): Promise<void>;
  sleep(ms: number): Promise<void>;
}

export async function runChaos(options: RunOptions): Promise<Verdict & { workload: Workload }> {
  const random = seededRandom(options.seed ?? 1);
  const sandbox = await startSandbox({
    seed: { users: options.users, tickets: 0 },
    // Rate limits are the benchmarks' subject, not this suite's: a full run deprovisions a thousand users, more
    // than Zendesk's 700 permanent deletes per 10 minutes, and would spend most of its time waiting for budget.
    rpm: 0,
    permanentDeleteLimit: { max: 0, windowMs: 1 },
    randomSeed: options.seed ?? 1,
    // Short-lived OAuth tokens, so that every run also renews them under its faults.
    tokenLifetimeSeconds: TOKEN_SECONDS,
  });
  const itsm = options.separateItsm
    ? await startSandbox({ seed: 'empty', rpm: 0, tokenLifetimeSeconds: TOKEN_SECONDS })
    : sandbox;
  const agents = [...sandbox.state.users.values()]
    .filter((u) => u.role === 'agent' && !u.suspended && u.id !== sandbox.state.ownerId)
    .map((u) => ({ id: u.id, email: u.email, role: u.role, suspended: u.suspended }));
  // The run's topics, group, policy file and consumer environment: tools/kafka's, as the benchmarks use.
  const environment = consumerEnvironment({
    name: options.name,
    brokers: options.brokers,
    zendesk: sandbox,
    ...(options.separateItsm ? { itsm } : {}),
    ...(options.partitions === undefined ? {} : { partitions: options.partitions }),
    policy: options.policy ?? {
      blast_radius: { max_weight: 1_000_000_000, window_seconds: 3600 },
      purge_after_days: (options.graceSeconds ?? GRACE_SECONDS) / 86_400,
    },
    env: {
      ALLOW_IRREVERSIBLE: 'true',
      LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'info',
      CONSUMER_RETRY_DELAY_MS: '1000',
      CONSUMER_BACKOFF_INITIAL_MS: '100',
      CONSUMER_BACKOFF_MAX_MS: '1000',
      CONSUMER_MAX_ATTEMPTS: '50',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_HEARTBEAT_INTERVAL_MS: '500',
      KAFKA_REBALANCE_TIMEOUT_MS: '20000',
      ...options.consumerEnv,
    },
  });
  const { runId, topics, env, logDir, policyFile } = environment;
  const workload = buildWorkload(agents, {
    invalidEvery: 25,
    runId,
    ...(options.rehireEvery ? { rehireEvery: options.rehireEvery } : {}),
  });
  // What a deprovision must end in follows from what the consumers were given (policy file and environment).
  const rules = deprovisionRules(JSON.parse(readFileSync(policyFile, 'utf8')), env);
  const fleet = new ConsumerFleet(env, logDir);
  const injected: Record<string, number> = {};
  // Progress counts the workload's own steps: not the purges (which follow later) nor the re-hires' steps.
  const later = ['action_purge', 'action_unsuspend', 'action_restore'];
  const done = () =>
    [...itsm.state.tickets.values()].filter(
      (t) => t.tags.includes('itsm_audit') && !later.some((tag) => t.tags.includes(tag)),
    ).length;
  let stopRehires = () => {};
  let rehiring: Promise<void> = Promise.resolve();
  try {
    for (let i = 0; i < options.consumers; i++) await fleet.add();
    const kafka = new Kafka({
      clientId: runId,
      brokers: options.brokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const records = [
      ...workload.events.map((e) => ({ key: eventKey(e), value: JSON.stringify(e) })),
      ...workload.invalid.map((i) => ({ key: i.id, value: i.value })),
    ].sort(() => random() - 0.5);
    for (let i = 0; i < records.length; i += 200)
      await producer.send({ topic: topics.TOPIC_EVENTS, messages: records.slice(i, i + 200) });
    // Re-hires, each published as soon as its user's soft delete shows in the sandbox: inside the grace period.
    const pending = new Map(workload.rehires);
    let stopped = false;
    stopRehires = () => (stopped = true);
    rehiring = (async () => {
      while (pending.size > 0 && !stopped) {
        const due = [...pending].filter(([id]) => sandbox.state.deletedUsers.has(id));
        if (due.length > 0) {
          await producer.send({
            topic: topics.TOPIC_EVENTS,
            messages: due.map(([, e]) => ({ key: eventKey(e), value: JSON.stringify(e) })),
          });
          for (const [id] of due) pending.delete(id);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })().finally(() => producer.disconnect());
    const purgeCount = () => [...purgesDone(sandbox.state.requestLog).values()].reduce((n, c) => n + c, 0);
    const ctx: FaultContext = {
      fleet,
      sandbox,
      itsm,
      random,
      injected,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      async purged(count, timeoutMs = 120_000) {
        await until(`${count} scheduled purges to be done`, () => purgeCount() >= count, {
          timeoutMs,
          state: () => `${purgeCount()} done`,
        });
      },
      async progress(share, timeoutMs = 120_000) {
        const wanted = share * workload.events.length;
        await until(
          `${Math.round(share * 100)}% of the events to have their audit tickets`,
          () => done() >= wanted,
          {
            timeoutMs,
            state: () => `${done()} audit tickets of ${Math.ceil(wanted)} wanted`,
          },
        );
      },
    };
    await options.faults?.(ctx);
    const purgesDuringFaults = purgeCount();
    injected.consumerKills = fleet.kills;
    injected.sandboxFaults = sandbox.faults.injected + (itsm === sandbox ? 0 : itsm.faults.injected);
    sandbox.faults.clear();
    itsm.faults.clear();
    if (fleet.size === 0) await fleet.add();
    const wanted = [
      ...workload.events.map((e) => e.id),
      ...workload.invalid.map((i) => i.id),
      ...[...workload.rehires.values()].map((e) => e.id),
    ];
    const live = await openLedger({
      brokers: options.brokers.split(','),
      topics: { results: topics.TOPIC_RESULTS, dlq: topics.TOPIC_DLQ },
    });
    const waits: string[] = [];
    const has = (id: string) => live.ledger.results.has(id) || live.ledger.deadLetters.has(id);
    try {
      // A run that gives up here goes on to the invariants, which name the events without an outcome.
      await until(
        'every event to have a terminal outcome (a result or a dead letter)',
        () => wanted.every(has),
        {
          timeoutMs: options.timeoutMs ?? 240_000,
          everyMs: 250,
          state: () => `${wanted.filter(has).length} of ${wanted.length}`,
        },
      );
      // Then the scheduler's share: the purge of every deprovisioned user, or its cancellation for the re-hired.
      const purgeWanted = workload.events.filter(
        (e) =>
          workload.expected.get(e.data.user.id!) === 'deleted' &&
          expectedPurge(rules, workload.rehires.has(e.data.user.id!)) === 'purge',
      );
      const cancelWanted = workload.events.filter(
        (e) =>
          workload.expected.get(e.data.user.id!) === 'deleted' &&
          expectedPurge(rules, workload.rehires.has(e.data.user.id!)) === 'cancel',
      );
      const purged = () => purgeWanted.filter((e) => live.ledger.purges.has(e.id)).length;
      const cancelled = () => cancelWanted.filter((e) => live.ledger.purgeCancellations.has(e.id)).length;
      if (!options.inspect && purgeWanted.length + cancelWanted.length > 0)
        await until(
          `the scheduled purges of ${purgeWanted.length} deprovisioned users and the cancellations of ` +
            `${cancelWanted.length} re-hired ones (grace period ${Math.round(rules.purgeAfterDays * 86_400)} s)`,
          () => purged() === purgeWanted.length && cancelled() === cancelWanted.length,
          {
            timeoutMs: options.purgeTimeoutMs ?? 300_000,
            everyMs: 250,
            state: () => `${purged()} purged, ${cancelled()} cancelled`,
          },
        );
    } catch (error) {
      if (!(error instanceof WaitTimeout)) throw error;
      waits.push(error.message);
    }
    const ledger = await live.close();
    await options.inspect?.({ ...ctx, topics, groupId: env.KAFKA_GROUP_ID!, logDir }, ledger);
    if (options.inspect)
      return {
        problems: [],
        figures: checkInvariants(workload, ledger, sandbox, itsm, rules, {
          noopRepeatsAllowed: (injected.brokerKills ?? 0) > 0,
        }).figures,
        workload,
      };
    const checked = checkInvariants(workload, ledger, sandbox, itsm, rules, {
      noopRepeatsAllowed: (injected.brokerKills ?? 0) > 0,
    });
    const verdict = {
      figures: { ...checked.figures, purgesDuringFaults },
      problems: [...waits, ...checked.problems],
    };
    printFigures(options.name, verdict, injected);
    if (verdict.problems.length > 0) process.stderr.write(`[chaos]   consumer logs: ${logDir}\n`);
    return { ...verdict, workload };
  } finally {
    stopRehires();
    await rehiring.catch(() => undefined);
    await fleet.stopAll();
    await sandbox.stop();
    if (itsm !== sandbox) await itsm.stop();
  }
}
