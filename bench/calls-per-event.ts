// Figures: every Zendesk call one event costs through the consumer (look-up, audit recall, action, audit writes),
// counted in the sandbox's request log, per event type, against the least the API needs for that event type.
// One consumer, one event at a time on an idle system, so every call between a publish and the next belongs to it.
import { Kafka, logLevel } from 'kafkajs';
import { createLifecycleEvent, type LifecycleEvent } from '@zendesk-lifecycle/core';
import { UNLIMITED_BLAST_RADIUS_POLICY, type KafkaCluster } from '@zendesk-lifecycle/kafka';
import { startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { consumerRun } from './consumer-run.js';
import { round, say, type BenchContext, type Figure } from './figures.js';

interface Case {
  name: string;
  /** The least the API needs, and what it is made of. */
  minimum: number;
  least: string;
  /** Why we make more calls than the minimum, where we do. */
  why?: string;
  /** Publishes the event (or makes it come due); the next result closes the case. */
  start: () => Promise<void>;
}

/** Every call of the request log from `from` on, as `METHOD /path`, ids replaced by {id}. */
function callsSince(sandbox: RunningSandbox, from: number): string[] {
  return sandbox.state.requestLog
    .slice(from)
    .map(
      (r) =>
        `${r.method} ${r.path.replace(/\/api\/v2/, '').replace(/\d+/g, '{id}')}${process.env.BENCH_QUERIES ? `?${decodeURIComponent(r.query)}` : ''}`,
    );
}

/**
 * Makes the scheduled purge of a soft-deleted user come due now: the entry (`purge:<key>`) is read back from the
 * scheduled topic and written again, unchanged but for `due_at`, to the same partition; the consumer's scheduler
 * reads it and fires it at its next tick (every 5 s). The wait for that tick is not counted: only calls are.
 */
async function purgeNow(cluster: KafkaCluster, topic: string): Promise<void> {
  const kafka = new Kafka({ clientId: 'bench-purge', brokers: cluster.brokers, logLevel: logLevel.NOTHING });
  const reader = kafka.consumer({ groupId: `${topic}-bench-${Date.now()}`, maxWaitTimeInMs: 50 });
  let entry: { key: string; value: string; partition: number } | undefined;
  await reader.connect();
  await reader.subscribe({ topic, fromBeginning: true });
  await reader.run({
    eachMessage: async ({ partition, message }) => {
      const key = message.key?.toString() ?? '';
      if (key.startsWith('purge:') && message.value)
        entry = { key, value: message.value.toString(), partition };
    },
  });
  const deadline = Date.now() + 60_000;
  while (!entry) {
    if (Date.now() > deadline) throw new Error('calls per event: no purge entry in the scheduled topic');
    await new Promise((r) => setTimeout(r, 50));
  }
  await reader.disconnect();
  const due = { ...JSON.parse(entry.value), due_at: new Date(Date.now() - 1000).toISOString() };
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: [{ key: entry.key, value: JSON.stringify(due), partition: entry.partition }],
  });
  await producer.disconnect();
}

export async function callsPerEvent(ctx: BenchContext): Promise<Figure[]> {
  say('Zendesk calls per event through the consumer, by event type, vs the least the API needs');
  const cluster = await ctx.kafka();
  const sandbox = await startSandbox({ seed: { users: 40, tickets: 0 }, rpm: 0, jobDelayMs: 1 });
  const agents = [...sandbox.state.users.values()].filter(
    (u) => u.role === 'agent' && !u.suspended && u.id !== sandbox.state.ownerId,
  );
  const [warmUp, leaver, reclaimed, deleted] = agents as Array<(typeof agents)[0]> as [
    (typeof agents)[0],
    (typeof agents)[0],
    (typeof agents)[0],
    (typeof agents)[0],
  ];
  const event = (type: LifecycleEvent['type'], id: number, extra: { actions?: ['deprovision'] } = {}) =>
    createLifecycleEvent({
      type,
      source: 'bench',
      id: `calls-${type}-${id}-${Date.now()}`,
      user: { id },
      ...extra,
    });
  const run = await consumerRun(
    cluster,
    sandbox,
    'calls',
    [],
    { ALLOW_IRREVERSIBLE: 'true' },
    // Deprovision soft-deletes and schedules the purge a day later (purgeNow makes it due).
    { policy: { ...UNLIMITED_BLAST_RADIUS_POLICY, purge_after_days: 1 } },
  );
  const figures: Figure[] = [];
  try {
    await run.fleet.add();
    await run.ready();
    // One suspend first, not counted: what a consumer does once per process (the account owner's id,
    // GET /users/me) is not a cost of any event.
    await run.publish([event('lifecycle.access_revoked.v1', warmUp.id)]);
    await run.waitForResults(1, 120_000);
    const publish = (e: LifecycleEvent) => async () => void (await run.publish([e]));
    const cases: Case[] = [
      {
        name: 'suspend (access revoked)',
        minimum: 3,
        least: 'look up the user, suspend, write the audit ticket',
        why: 'the audit recall (GET /tickets.json?external_id=<step key>: is there a record of this step already?) makes a redelivered event safe',
        start: publish(event('lifecycle.access_revoked.v1', leaver.id)),
      },
      {
        name: 'unsuspend + restore (re-hire)',
        minimum: 5,
        least:
          'look up the user, find the prior state in the audit trail (one search), unsuspend (the role is unchanged: nothing else to restore), one audit ticket per action (2)',
        why: 'each of the two steps recalls its own audit record (one GET /tickets.json?external_id= each); one recall for both steps would meet the goal',
        start: publish(event('lifecycle.rehire.v1', leaver.id)),
      },
      {
        name: 'downgrade (licence reclaim)',
        minimum: 5,
        least:
          'look up the user, read their group memberships (the prior state a later restore needs), list their open assigned tickets, change the role, write the audit ticket',
        why: 'the audit recall',
        start: publish(event('lifecycle.license_reclaim.v1', reclaimed.id)),
      },
      {
        name: 'deprovision, soft delete (offboarding)',
        minimum: 5,
        least:
          'look up the user, list their open assigned tickets, open the audit ticket "in progress", delete, complete the audit ticket (issue 19: no deletion without its record existing first, so the record takes two writes)',
        why: 'the audit recall (GET /tickets.json?external_id=<step key>) that makes a redelivered event safe',
        start: publish(event('lifecycle.offboarding.v1', deleted.id, { actions: ['deprovision'] })),
      },
      {
        name: 'purge (the scheduled permanent delete)',
        minimum: 4,
        least:
          'look up the soft-deleted user, open the audit ticket "in progress", delete permanently, complete the audit ticket',
        why: 'the audit recall, as for the soft delete',
        start: () => purgeNow(cluster, run.environment.topics.TOPIC_SCHEDULED),
      },
    ];
    for (const c of cases) {
      const results = run.resultTimes().length;
      const from = sandbox.state.requestLog.length;
      await c.start();
      await run.waitForResults(results + 1, 120_000);
      // Anything the event still does after its result is committed counts too.
      await new Promise((r) => setTimeout(r, 300));
      const calls = callsSince(sandbox, from);
      say(`  ${c.name}: ${calls.length} calls: ${calls.join(', ')}`);
      const over = calls.length - c.minimum;
      figures.push({
        name: `Zendesk calls per event: ${c.name}`,
        ours: calls.length,
        comparison: `the least the API needs (${c.least})`,
        theirs: c.minimum,
        ratio: round(calls.length / c.minimum),
        unit: 'calls',
        goal: `<= ${c.minimum + 1} (the minimum + 1)`,
        met: calls.length <= c.minimum + 1,
        note: `${calls.join(', ')}.${over > 0 && c.why ? ` Over the minimum by ${over}: ${c.why}.` : ''}`,
      });
    }
  } finally {
    await run.stop();
    await sandbox.stop();
  }
  return figures;
}
