// The fleet brake against the real broker: three instances flooding at once trip it exactly once (one state record,
// one audit notice), all of them hold, instances started afterwards still hold, and only a release lets them act.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BlastRadiusSettings, BrakeAdmission } from '@zendesk-lifecycle/core';
import { MemoryAudit } from '@zendesk-lifecycle/core/testing';
import { testBrokers, uniqueName } from '@zendesk-lifecycle/kafka';
import { createKafka, createLogger, ensureTopics, readTopicToEnd } from '@zendesk-lifecycle/service-runtime';
import { runBrakeCommand } from '../cli/brake.js';
import { consumerSettingsFromEnv } from '../config.js';
import { FleetBrake, type FleetBrakeOptions } from './fleet-brake.js';

const logger = createLogger({ level: 'silent', pretty: false });
const blastRadius: BlastRadiusSettings = {
  window_seconds: 3600,
  max_weight: 100,
  weights: { deprovision: 10 },
};

function envFor(run: string): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), `${run}-`));
  const policyFile = join(dir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify({ blast_radius: blastRadius }));
  return {
    KAFKA_BROKERS: testBrokers().join(','),
    TOPIC_BRAKE: `${run}.brake`,
    POLICY_FILE: policyFile,
    CONSUMER_INSTANCE_ID: 'cli-test',
  };
}

const started: FleetBrake[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((b) => b.stop()));
});

async function startInstance(
  env: Record<string, string>,
  instance: string,
  audit: MemoryAudit,
  extra: Partial<FleetBrakeOptions> = {},
): Promise<FleetBrake> {
  const settings = consumerSettingsFromEnv(env);
  const brake = await FleetBrake.start({
    kafka: createKafka(settings.kafka, logger, `${instance}-client`),
    settings: settings.kafka,
    blastRadius,
    instance,
    audit,
    logger,
    recheckMs: 250,
    ...extra,
  });
  started.push(brake);
  return brake;
}

const deprovision = (i: number) => ({
  action: 'deprovision' as const,
  weight: 10,
  event_id: `e-${i}`,
  idempotency_key: `k-${i}`,
});

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stateRecords(env: Record<string, string>): Promise<Array<Record<string, unknown>>> {
  const settings = consumerSettingsFromEnv(env);
  const states: Array<Record<string, unknown>> = [];
  await readTopicToEnd(createKafka(settings.kafka, logger), settings.kafka.topics.brake, (m) => {
    if (m.key?.toString() === 'state' && m.value) states.push(JSON.parse(m.value.toString()));
  });
  return states;
}

describe('the fleet brake', () => {
  it('trips exactly once for three instances flooding at once, holds across restarts, until released', async () => {
    const env = envFor(uniqueName('brake'));
    const audit = new MemoryAudit();
    const fleet = await Promise.all(['c-1', 'c-2', 'c-3'].map((name) => startInstance(env, name, audit)));

    // 3 instances x 3 partitions each, 8 deprovisions in a row per partition: 72 asked, room for 10.
    const admissions: BrakeAdmission[] = [];
    await Promise.all(
      fleet.flatMap((brake, b) =>
        [0, 1, 2].map(async (p) => {
          for (let i = 0; i < 8; i += 1)
            admissions.push(await brake.admit(deprovision(b * 100 + p * 10 + i)));
        }),
      ),
    );
    expect(admissions.filter((a) => a.admitted)).toHaveLength(10);
    await until(() => audit.notices.size > 0, 'the trip notice');
    await until(() => fleet.every((b) => b.heldReason() !== null), 'every instance to hold');
    for (const brake of fleet) {
      expect(brake.status().window.total).toBe(100);
      expect(await brake.admit(deprovision(999))).toMatchObject({ admitted: false, retryAfterMs: 250 });
      // Even what weighs nothing waits while the brake is tripped.
      expect(await brake.admit({ ...deprovision(998), weight: 0 })).toMatchObject({ admitted: false });
    }
    const trips = (await stateRecords(env)).filter((s) => s.tripped === true);
    expect(trips).toHaveLength(1);
    expect(trips[0]).toMatchObject({ window_weight: 110, by_instance: expect.stringMatching(/^c-[123]$/) });
    expect([...audit.notices.values()]).toEqual([
      expect.objectContaining({
        writes: 1,
        notice: expect.objectContaining({
          key: `brake-trip:${String(trips[0]!.tick)}`,
          kind: 'brake_tripped',
          attention: true,
        }),
      }),
    ]);

    // A restart of the whole fleet: the new instances read the trip back and hold at once.
    await Promise.all(started.splice(0).map((b) => b.stop()));
    const restarted = await Promise.all(['c-4', 'c-5'].map((name) => startInstance(env, name, audit)));
    for (const brake of restarted) {
      expect(brake.heldReason()).toMatch(/the brake is tripped/);
      expect(await brake.admit(deprovision(1000))).toMatchObject({ admitted: false });
    }
    // Each new instance makes sure the trip's notice exists: still the one notice.
    await until(
      () => audit.notices.get(`brake-trip:${String(trips[0]!.tick)}`)!.writes === 3,
      'the notice check',
    );
    expect(audit.notices.size).toBe(1);

    // Only the operator's release lets them act, and it is audited.
    const out: string[] = [];
    const parts = {
      settings: consumerSettingsFromEnv(env),
      logger,
      audit: async () => audit,
      out: (l: string) => out.push(l),
    };
    expect(await runBrakeCommand(['status'], parts)).toBe(0);
    expect(out.join('\n')).toMatch(/brake: TRIPPED[\s\S]*weigh 100 of max 100\n {2}deprovision {4}100$/);
    expect(await runBrakeCommand(['release'], parts)).toBe(2);
    expect(
      await runBrakeCommand(['release', '--reason', 'the HR export was fixed', '--by', 'ops-jo'], parts),
    ).toBe(0);
    await until(() => restarted.every((b) => b.heldReason() === null), 'the release to reach every instance');
    const release = [...audit.notices.values()].find((n) => n.notice.kind === 'brake_released');
    expect(release?.notice.facts).toEqual(
      expect.arrayContaining([
        ['Released by', 'ops-jo'],
        ['Reason', 'the HR export was fixed'],
      ]),
    );
    expect(await restarted[0]!.admit(deprovision(2000))).toMatchObject({ admitted: true });
    // The window counts afresh: the ticks from before the release weigh nothing.
    expect(restarted[1]!.status().window.total).toBeLessThanOrEqual(10);
    out.length = 0;
    expect(await runBrakeCommand(['release', '--reason', 'again'], parts)).toBe(1);
    expect(out).toEqual(['brake: not tripped: nothing to release']);
  }, 90_000);

  it('starts when the topic ends in offsets no record reaches (a transaction marker, compacted tombstones)', async () => {
    const run = uniqueName('brake-tail');
    const env = envFor(run);
    const settings = consumerSettingsFromEnv(env);
    const kafka = createKafka(settings.kafka, logger);
    await ensureTopics(kafka, settings.kafka, ['brake']);
    const producer = kafka.producer({
      transactionalId: `${run}-tx`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const tx = await producer.transaction();
    const trip = {
      tripped: true,
      at: '2026-11-24T12:00:00Z',
      by_instance: 'old',
      tick: 'gone',
      window_weight: 9,
    };
    await tx.send({
      topic: settings.kafka.topics.brake,
      messages: [{ key: 'state', value: JSON.stringify(trip), partition: 0 }],
    });
    await tx.commit();
    await producer.disconnect();
    const brake = await startInstance(env, 'c-1', new MemoryAudit());
    expect(brake.status().tripped).toMatchObject({ tick: 'gone', by_instance: 'old' });
  });

  it('refuses to start without its topic when it may not create it, saying what to do', async () => {
    const env = { ...envFor(uniqueName('brake-missing')), KAFKA_CREATE_TOPICS: 'false' };
    await expect(startInstance(env, 'c-1', new MemoryAudit())).rejects.toThrow(
      /the brake topic .*brake-missing.* does not exist: create it \(cleanup.policy=compact, one partition\)/,
    );
  });

  it('tombstones ticks older than the window at start-up, and a refunded tick weighs nothing', async () => {
    const env = envFor(uniqueName('brake-expiry'));
    const audit = new MemoryAudit();
    let now = Date.parse('2026-11-24T12:00:00Z');
    const clock = { now: () => new Date(now) };
    const first = await startInstance(env, 'c-1', audit, { clock });
    const admitted = [];
    for (let i = 0; i < 4; i += 1) admitted.push(await first.admit(deprovision(i)));
    expect(first.status().window.total).toBe(40);
    const refunded = admitted[0]!;
    expect(refunded.admitted && refunded.ticket).toBeTruthy();
    await first.refund(refunded.admitted ? refunded.ticket! : '');
    await until(() => first.status().window.total === 30, 'the refund to be read back');

    now += 3601_000;
    const later = await startInstance(env, 'c-2', audit, { clock });
    expect(later.status().window.total).toBe(0);
    await until(
      () =>
        first.status().window.total === 0 &&
        (first as unknown as { ledger: { size: number } }).ledger.size === 0,
      'the tombstones',
    );
    const keys = new Map<string, number>();
    const settings = consumerSettingsFromEnv(env);
    await readTopicToEnd(createKafka(settings.kafka, logger), settings.kafka.topics.brake, (m) => {
      const key = m.key!.toString();
      keys.set(key, (keys.get(key) ?? 0) + (m.value === null ? 100 : 1));
    });
    // Every tick written once, then tombstoned (once: by the refund, or by the start-up of c-2).
    expect([...keys.values()].sort()).toEqual([101, 101, 101, 101]);
  }, 60_000);
});
