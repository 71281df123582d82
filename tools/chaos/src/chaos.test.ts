// The reliability suite. `npm test` runs each fault reduced (fewer events, one kill); `npm run test:chaos`
// (CHAOS_FULL=true) runs them in full. Every run prints its figures; a failing invariant names the event ids.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, testKafka } from '@zendesk-lifecycle/kafka';
import { runChaos } from './harness.js';
import { purgesDone } from './invariants.js';
import { until } from './until.js';

const full = process.env.CHAOS_FULL === 'true';
const brokers = () => process.env.KAFKA_BROKERS!;
const scale = (reduced: number, complete: number) => (full ? complete : reduced);

function expectClean(result: Awaited<ReturnType<typeof runChaos>>): void {
  expect(result.problems).toEqual([]);
  expect(result.figures.lost).toBe(0);
  expect(result.figures.duplicatesFound).toBe(0);
  // The scheduler worked under the faults too: every deprovisioned user not re-hired was purged, once.
  const deprovisioned = [...result.workload.expected.values()].filter((s) => s === 'deleted').length;
  expect(result.figures.purges).toBe(deprovisioned - result.workload.rehires.size);
  expect(result.figures.purgeProblems).toBe(0);
}

describe('reliability under faults', () => {
  it('survives consumers killed with SIGKILL at random points', async () => {
    const result = await runChaos({
      name: 'sigkill',
      brokers: brokers(),
      users: scale(150, 3000),
      consumers: 2,
      async faults({ fleet, random, progress, purged, sleep }) {
        const kills = scale(1, 6);
        for (let k = 1; k <= kills; k++) {
          await progress(k / (kills + 2));
          const victim = fleet.pick(random);
          if (victim) await fleet.kill(victim);
          await sleep(200 + random() * 500);
          await fleet.add();
        }
        // One more while the scheduler is purging (its instance owns scheduled partitions too).
        await purged(3);
        const victim = fleet.pick(random);
        if (victim) await fleet.kill(victim);
        await sleep(200 + random() * 500);
        await fleet.add();
      },
    });
    expectClean(result);
  });

  it('cancels the purge of users re-hired inside their grace period, and purges the others once, under kills', async () => {
    const result = await runChaos({
      name: 'rehire-grace',
      brokers: brokers(),
      // A re-hire is published once its user's soft delete shows, behind whatever of the workload still waits in
      // the partition: the grace period must outlast that backlog plus a kill's rebalance (a session timeout and
      // more), on a loaded 2-core machine. Hence fewer users in the full run than elsewhere, and a longer grace.
      users: scale(150, 600),
      consumers: 2,
      graceSeconds: scale(40, 90),
      rehireEvery: 3,
      async faults({ fleet, random, progress, purged, sleep }) {
        const kills = scale(1, 4);
        for (let k = 1; k <= kills; k++) {
          await progress(k / (kills + 2));
          const victim = fleet.pick(random);
          if (victim) await fleet.kill(victim);
          await sleep(200 + random() * 500);
          await fleet.add();
        }
        // And once the purges of those not re-hired come due.
        await purged(2);
        const victim = fleet.pick(random);
        if (victim) await fleet.kill(victim);
        await sleep(200 + random() * 500);
        await fleet.add();
      },
    });
    expectClean(result);
    expect(result.figures.purgesCancelled).toBe(result.workload.rehires.size);
    expect(result.figures.purges).toBeGreaterThan(0);
  });

  it('loses nothing when consumers join and leave (rebalances)', async () => {
    const result = await runChaos({
      name: 'rebalance',
      brokers: brokers(),
      users: scale(150, 2000),
      consumers: 2,
      async faults({ fleet, progress, purged }) {
        await progress(0.2);
        const third = await fleet.add();
        await progress(0.5);
        await fleet.stop(third);
        await progress(0.7);
        await fleet.stop(fleet.names()[0]!);
        // Rebalances while purges come due: the scheduled partitions move with them.
        await purged(3);
        const fourth = await fleet.add();
        await purged(8);
        await fleet.stop(fourth);
      },
    });
    expectClean(result);
  });

  it('completes through Zendesk 429 storms, 5xx bursts, slow answers and connection resets', async () => {
    const result = await runChaos({
      name: 'zendesk-faults',
      brokers: brokers(),
      users: scale(120, 2000),
      consumers: 2,
      consumerEnv: { ZENDESK_TIMEOUT_MS: '2000' },
      async faults({ sandbox, progress, sleep }) {
        await progress(0.1);
        sandbox.faults.set({ rateLimitStormMs: 2000 });
        await sleep(2500);
        sandbox.faults.set({ route: 'PUT /users/:id', errorRate: 0.3, status: 503 });
        sandbox.faults.set({ route: 'GET /users/:id', latencyMs: 300 });
        sandbox.faults.set({ route: 'DELETE /users/:id', resetRate: 0.2, resetAfterProcessing: true });
        // The scheduled purges too: answers lost after the permanent delete was made, and refusals.
        sandbox.faults.set({
          route: 'DELETE /deleted_users/:id',
          resetRate: 0.3,
          resetAfterProcessing: true,
        });
        sandbox.faults.set({ route: 'DELETE /deleted_users/:id', errorRate: 0.2, status: 503 });
        await progress(0.6);
        // Keep the faults on until some purges have come due and been done through them.
        const purged = () => [...purgesDone(sandbox.state.requestLog).values()].length;
        await until('ten purges made through the faults', () => purged() >= 10, {
          timeoutMs: 120_000,
          state: () => `${purged()} purged`,
        });
        sandbox.faults.clear();
      },
    });
    expectClean(result);
  });

  it('holds events while the audit account is down and writes each audit ticket once afterwards', async () => {
    const result = await runChaos({
      name: 'itsm-down',
      brokers: brokers(),
      users: scale(90, 1500),
      consumers: 2,
      separateItsm: true,
      async faults({ itsm, progress, purged, sleep }) {
        await progress(0.2);
        itsm.faults.set({ errorRate: 1, status: 503 });
        await sleep(scale(3000, 15_000));
        itsm.faults.clear();
        // Down again once purges are under way: a purge is audited before it is made, so due purges wait.
        await purged(3);
        itsm.faults.set({ errorRate: 1, status: 503 });
        await sleep(scale(10_000, 15_000));
        itsm.faults.clear();
      },
    });
    expectClean(result);
  });

  it('loses nothing when the broker is stopped and restarted mid-stream', async () => {
    const cluster = await startCluster();
    try {
      const result = await runChaos({
        name: 'broker-restart',
        brokers: cluster.bootstrap,
        users: scale(120, 2000),
        consumers: 2,
        async faults({ progress, purged, sleep, injected }) {
          await progress(0.3);
          // Once purges are under way too, so that some come due while the broker is gone.
          await purged(1);
          await cluster.nodes[0]!.kill();
          injected.brokerKills = 1;
          await sleep(3000);
          await cluster.nodes[0]!.restart();
        },
      });
      expectClean(result);
    } finally {
      await cluster.stop();
    }
  });

  it('keeps going when one broker of a three-broker cluster dies (replication 3, min in-sync 2)', async () => {
    const cluster = await startCluster({ nodes: 3 });
    try {
      const result = await runChaos({
        name: 'three-brokers',
        brokers: cluster.bootstrap,
        users: scale(120, 2000),
        consumers: 2,
        consumerEnv: { KAFKA_REPLICATION_FACTOR: '3' },
        async faults({ progress, purged, injected }) {
          await progress(0.3);
          await purged(1);
          await cluster.nodes[1]!.kill();
          injected.brokerKills = 1;
        },
      });
      expectClean(result);
    } finally {
      await cluster.stop();
    }
  });

  it('stops a mass-deprovision flood at the brake for the whole fleet, holding the rest instead of losing it', async () => {
    const limit = 12;
    await runChaos({
      name: 'flood',
      brokers: brokers(),
      users: 60,
      // Three instances share one brake: together they make at most `limit` destructive changes.
      consumers: 3,
      partitions: 3,
      timeoutMs: 20_000,
      policy: {
        // Only deletions and downgrades weigh (1 each): at most `limit` of them, then the brake trips.
        blast_radius: {
          max_weight: limit,
          window_seconds: 3600,
          weights: { deprovision: 1, downgrade: 1, suspend: 0, transfer_data: 0, unsuspend: 0 },
        },
      },
      async inspect({ sandbox, topics, groupId, logDir }, ledger) {
        const destructive = sandbox.state.requestLog.filter(
          (r) =>
            r.changed &&
            (r.method === 'DELETE' || (r.method === 'PUT' && r.path.startsWith('/api/v2/users/'))),
        );
        const deleted = destructive.filter(
          (r) => r.method === 'DELETE' && r.path.startsWith('/api/v2/users/'),
        ).length;
        const downgraded =
          destructive.filter((r) => r.method === 'PUT').length -
          [...ledger.results.values()].filter((l) => l[0]!.data.steps[0]!.action === 'suspend').length;
        // Exactly the limit: "at most" would also pass if the consumers had done nothing at all.
        expect(deleted + downgraded).toBe(limit);
        const admin = testKafka().admin();
        await admin.connect();
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topics.TOPIC_EVENTS!] });
        const ends = await admin.fetchTopicOffsets(topics.TOPIC_EVENTS!);
        await admin.disconnect();
        const done = committed!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
        const total = ends.reduce((n, p) => n + Number(p.high), 0);
        expect(done).toBeLessThan(total);
        // One trip for the fleet, one audit ticket recording it.
        const trips = [...sandbox.state.tickets.values()].filter((t) =>
          t.tags.includes('notice_brake_tripped'),
        );
        expect(trips).toHaveLength(1);
        const logs = readdirSync(logDir)
          .filter((f) => f.endsWith('.log'))
          .map((f) => readFileSync(join(logDir, f), 'utf8'))
          .join('');
        const alerts = logs.split('\n').filter((l) => l.includes('ALERT: partitions held by a safety rail'));
        expect(alerts.some((l) => l.includes('the brake is tripped'))).toBe(true);
        process.stderr.write(
          `[chaos] flood: destructive changes=${deleted + downgraded} (limit ${limit}), ${done} of ${total} events done, the rest held\n`,
        );
      },
    });
  });
});
