// Figures: 50 deprovisions through 1, 3 or 6 consumers on one account, with a rebalance mid-flood (an instance
// joining or leaving), against the account and permanent-delete limits: time to finish against the least time the
// limits allow, and the share of calls answered 429.
import { createLifecycleEvent } from '@zendesk-lifecycle/core';
import { UNLIMITED_BLAST_RADIUS_POLICY, type KafkaCluster } from '@zendesk-lifecycle/kafka';
import { startSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { consumerRun } from './consumer-run.js';
import { round, say, type Figure } from './figures.js';

/** The change of the fleet mid-flood: one instance more, or one fewer (a graceful stop: it leaves the group). */
export type FleetChange = 'join' | 'leave';

export async function deprovisionFlood(
  cluster: KafkaCluster,
  instances: number,
  change: FleetChange,
  ctx: { quick: boolean } = { quick: false },
): Promise<Figure[]> {
  // Zendesk's permanent-delete limit (700 per 10 minutes) scaled down in time by 10: 70 per minute.
  const rpm = 240;
  const permanent = { max: 70, windowMs: 60_000 };
  // 50 deprovisions of 8 calls: 400 calls, a minute's budget and then most of another (the least time, 60 s, is clear
  // of a window's edge, so a few calls more or less do not change it), and three runs of each flood fit the full
  // bench's 20 minutes. --quick: the machinery only (the limits hardly bind).
  const n = ctx.quick ? 24 : 50;
  say(
    `rate-limit efficiency: ${n} deprovisions (soft + permanent) through ${instances} consumer(s), one ${change === 'join' ? 'joining' : 'leaving'} mid-flood, against ${rpm} rpm and ${permanent.max} permanent deletes per minute`,
  );
  const sandbox = await startSandbox({
    seed: { users: n + 60, tickets: 0 },
    rpm,
    permanentDeleteLimit: permanent,
    logRequests: true,
  });
  const agents = [...sandbox.state.users.values()]
    .filter((u) => u.role === 'agent' && u.id !== sandbox.state.ownerId)
    .slice(0, n);
  const events = agents.map((u, i) =>
    createLifecycleEvent({
      type: 'lifecycle.offboarding.v1',
      source: 'bench',
      id: `flood-${instances}-${i}`,
      user: { id: u.id },
      actions: ['deprovision'],
    }),
  );
  // Permanent at once (no grace period before the purge): the permanent-delete limit is part of the figure.
  const run = await consumerRun(
    cluster,
    sandbox,
    `flood${instances}`,
    events,
    { ALLOW_IRREVERSIBLE: 'true' },
    { policy: { ...UNLIMITED_BLAST_RADIUS_POLICY, purge_after_days: 0 } },
  );
  for (let i = 0; i < instances; i++) await run.fleet.add();
  await run.ready();
  // Start-up calls (account owner, roles) are not part of the flood; a joining instance's are.
  sandbox.reset({ users: n + 60, tickets: 0 });
  const started = Date.now();
  // Mid-flood: once half the results have arrived.
  const changed = (async () => {
    while (run.arrived() < n / 2) await new Promise((r) => setTimeout(r, 100));
    if (change === 'join') await run.fleet.add();
    else await run.fleet.stop(run.fleet.names()[0]!);
    say(
      `flood: one instance ${change === 'join' ? 'joined' : 'left'} after ${round((Date.now() - started) / 1000, 1)} s`,
    );
  })();
  const arrivals = await run.publishAndWait(600_000);
  const seconds = (arrivals.at(-1)! - started) / 1000;
  await changed;
  await run.stop();
  const log = sandbox.state.requestLog;
  await sandbox.stop();
  const answered = log.length;
  const served = log.filter((r) => r.status !== 429).length;
  const limited = answered - served;
  const deletedForGood = log.filter(
    (r) => r.method === 'DELETE' && r.path.startsWith('/api/v2/deleted_users/') && r.status === 200,
  ).length;
  if (deletedForGood !== n) throw new Error(`flood: ${deletedForGood} permanent deletes, expected ${n}`);
  // The least time the limits allow: each limit is a sliding window that starts empty, so the fastest schedule
  // is a full window's worth at once, then another each time the window has passed.
  const windowSeconds = (calls: number, max: number, windowMs: number) =>
    calls <= max ? 0 : (Math.ceil(calls / max) - 1) * (windowMs / 1000);
  const minimum = Math.max(
    windowSeconds(served, rpm, 60_000),
    windowSeconds(n, permanent.max, permanent.windowMs),
  );
  // Where the time went: when every 120th call was served (a sliding window replays the first minute's pace).
  const servedAt = log
    .filter((r) => r.status !== 429)
    .map((r) => round((Date.parse(r.time) - started) / 1000, 1))
    .filter((_, i) => (i + 1) % (rpm / 2) === 0 || i === served - 1);
  say(
    `flood: every ${rpm / 2}th call served at ${servedAt.join(', ')} s; results done at ${round(seconds, 1)} s`,
  );
  // The window replays the first minute's pace: the last calls cannot go before the slots of the first ones free.
  const servedLog = log.filter((r) => r.status !== 429);
  const paced = served - Math.floor((served - 1) / rpm) * rpm;
  const floor = minimum + (Date.parse(servedLog[paced - 1]!.time) - started) / 1000;
  say(`flood: the fleet's own pace in the first minute puts the finish at ${round(floor, 1)} s at best`);
  const label = `${instances} consumer${instances > 1 ? 's' : ''}, one ${change === 'join' ? 'joining' : 'leaving'} mid-flood`;
  return [
    {
      name: `deprovision flood, ${label}: seconds to finish ${n} (${round(served / n, 1)} calls each) vs least time`,
      ours: round(seconds, 1),
      comparison: 'the least time the account and permanent-delete limits allow',
      theirs: round(minimum, 1),
      // --quick: too few calls for the limits to bind (least time 0); the ratio is then not meaningful.
      ratio: minimum > 0 ? round(seconds / minimum) : 0,
      unit: 's',
      goal: '<= 1.05x',
      met: minimum > 0 && seconds / minimum <= 1.05,
    },
    {
      name: `deprovision flood, ${label}: 429 share`,
      ours: limited,
      comparison: 'calls answered',
      theirs: answered,
      ratio: round(limited / Math.max(1, answered), 4),
      unit: 'answers',
      goal: '<= 0.5 %',
      met: limited / Math.max(1, answered) <= 0.005,
    },
  ];
}
