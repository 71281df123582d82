// Figure: the share of a 240 rpm budget the client alone uses flat out, and the 429s it collects.
import { createZendeskClient } from '@zendesk-lifecycle/zendesk-client';
import { startSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { round, say, tooManyRequests, type BenchContext, type Figure } from './figures.js';

export async function rateBudget(ctx: BenchContext): Promise<Figure[]> {
  const figures: Figure[] = [];
  const rpm = 240;
  const seconds = ctx.quick ? 10 : 30;
  say(
    `rate-limit efficiency: suspend/unsuspend flat out against ${rpm} requests per minute for ${seconds} s`,
  );
  const sandbox = await startSandbox({ seed: { users: 2000, tickets: 0 }, rpm, logRequests: true });
  const client = createZendeskClient({
    baseUrl: sandbox.url,
    email: sandbox.credentials.email,
    apiToken: sandbox.credentials.token,
  });
  const port = client.asPort();
  const agents = [...sandbox.state.users.values()].filter(
    (u) => u.role === 'agent' && !u.suspended && u.id !== 1,
  );
  const end = Date.now() + seconds * 1000;
  let i = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (Date.now() < end) {
        const u = agents[i++ % agents.length]!;
        const snapshot = {
          id: u.id,
          name: u.name,
          email: u.email,
          external_id: null,
          role: u.role,
          role_type: u.role_type,
          custom_role_id: u.custom_role_id,
          suspended: false,
          active: true,
          last_login_at: null,
        };
        await port.suspend(snapshot, { idempotency_key: 'b' }).catch(() => undefined);
      }
    }),
  );
  const served = sandbox.state.requestLog.filter((r) => r.status !== 429).length;
  const limited = sandbox.state.requestLog.filter((r) => r.status === 429).length;
  await sandbox.stop();
  // A rolling minute: a fresh window allows a full minute's budget at once, then rpm per minute.
  const allowed = rpm + (rpm * Math.max(0, seconds - 60)) / 60;
  figures.push({
    name: `share of the rate budget used (${rpm} rpm, ${seconds} s)`,
    ours: served,
    comparison: 'calls the budget allows in that time',
    theirs: allowed,
    ratio: round(served / allowed),
    unit: 'calls',
    goal: '>= 0.8 inside one window (the client spreads the last 20 % to the window end), 429s near 0',
    met: served / allowed >= 0.8,
  });
  figures.push(tooManyRequests('429 answers during the rate test', limited, served));
  return figures;
}
