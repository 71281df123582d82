// Figure: the Zendesk calls each action makes against the minimum the API requires.
import { createZendeskClient } from '@zendesk-lifecycle/zendesk-client';
import { DEMO_PEOPLE, startSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { round, say, type Figure } from './figures.js';

export async function apiEconomy(): Promise<Figure[]> {
  const figures: Figure[] = [];
  say('API economy: calls per action vs the minimum the API needs');
  const sandbox = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 1 });
  const client = createZendeskClient({
    baseUrl: sandbox.url,
    email: sandbox.credentials.email,
    apiToken: sandbox.credentials.token,
  });
  const port = client.asPort();
  await client.accountOwnerId();
  const opts = { idempotency_key: 'bench' };
  const cases: Array<[string, number, () => Promise<unknown>]> = [
    ['suspend', 1, async () => port.suspend((await client.getUser(DEMO_PEOPLE.reviewed.id))!, opts)],
    ['unsuspend', 1, async () => port.unsuspend((await client.getUser(DEMO_PEOPLE.rehire.id))!, opts)],
    [
      'downgrade (with the assigned-ticket check)',
      2,
      async () => port.downgrade((await client.getUser(DEMO_PEOPLE.inactive.id))!, opts),
    ],
    [
      // Rita holds no open tickets: reassigning them first would be a figure of its own.
      'deprovision (with the assigned-ticket check, soft + permanent)',
      3,
      async () =>
        port.deprovision((await client.getUser(DEMO_PEOPLE.reviewed.id))!, { ...opts, permanent: true }),
    ],
    [
      'transfer 12 tickets (list, update_many, job poll)',
      4,
      async () =>
        port.transferData(
          (await client.getUser(DEMO_PEOPLE.leaver.id))!,
          { id: DEMO_PEOPLE.manager.id },
          opts,
        ),
    ],
  ];
  for (const [name, minimum, act] of cases) {
    const before = sandbox.state.requestLog.length;
    await act();
    // The lookup of the user (one GET) belongs to the caller; count the calls the action itself made.
    const calls = sandbox.state.requestLog.length - before - 1;
    figures.push({
      name: `calls for ${name}`,
      ours: calls,
      comparison: 'minimum the API requires',
      theirs: minimum,
      ratio: round(calls / minimum),
      unit: 'calls',
      goal: 'ratio <= 1.5',
      met: calls / minimum <= 1.5,
    });
  }
  await sandbox.stop();
  return figures;
}
