// Figures: 120 deprovisions through 1 or 3 consumers against the account and permanent-delete limits: time to
// finish, calls per minute, 429s.
import { createLifecycleEvent } from '@zendesk-lifecycle/core';
import { UNLIMITED_BLAST_RADIUS_POLICY, type KafkaCluster } from '@zendesk-lifecycle/kafka';
import { startSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { consumerRun } from './consumer-run.js';
import { round, say, tooManyRequests, type Figure } from './figures.js';

export async function deprovisionFlood(
  cluster: KafkaCluster,
  instances: number,
  ctx: { quick: boolean } = { quick: false },
): Promise<Figure[]> {
  const figures: Figure[] = [];
  // Zendesk's permanent-delete limit (700 per 10 minutes) scaled down in time by 10: 70 per minute.
  const rpm = 240;
  const permanent = { max: 70, windowMs: 60_000 };
  // 60: just over one minute's account budget at ~8 calls each, so the limit binds (the least time is 60 s)
  // and three runs of each flood fit the full bench's 20 minutes; --quick: the machinery only.
  const n = ctx.quick ? 24 : 60;
  say(
    `rate-limit efficiency: ${n} deprovisions (soft + permanent) through ${instances} consumer(s) against ${rpm} rpm and ${permanent.max} permanent deletes per minute`,
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
  // purge_after_days 0: the permanent delete right after the soft delete, not a purge scheduled days later.
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
  // Start-up calls (account owner, roles) are not part of the flood.
  sandbox.reset({ users: n + 60, tickets: 0 });
  const started = Date.now();
  const arrivals = await run.publishAndWait(600_000);
  const seconds = (arrivals.at(-1)! - started) / 1000;
  await run.stop();
  const log = sandbox.state.requestLog;
  await sandbox.stop();
  const served = log.filter((r) => r.status !== 429).length;
  const limited = log.filter((r) => r.status === 429).length;
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
  const perMinute = served / (seconds / 60);
  const label = `${instances} consumer${instances > 1 ? 's' : ''}`;
  figures.push({
    name: `deprovision flood, ${label}: seconds to finish ${n} (${round(served / n, 1)} calls each)`,
    ours: round(seconds, 1),
    comparison: 'the least time the account and permanent-delete limits allow',
    theirs: round(minimum, 1),
    ratio: round(minimum / seconds),
    unit: 's',
    goal: 'ratio >= 0.95',
    met: minimum / seconds >= 0.95,
  });
  figures.push({
    name: `deprovision flood, ${label}: calls per minute, as a share of the account budget`,
    ours: round(perMinute, 0),
    comparison: 'requests per minute the account allows',
    theirs: rpm,
    ratio: round(perMinute / rpm),
    unit: 'calls/min',
    goal: '>= 0.95 (the account limit binds here), with 429s near 0',
    met: perMinute / rpm >= 0.95,
  });
  figures.push(tooManyRequests(`deprovision flood, ${label}: 429 answers`, limited, served));
  return figures;
}
