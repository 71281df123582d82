// A forged event reusing a real event's source and id (other data), through the real executor, the Zendesk client
// and this logger over the sandbox: it is never "already done"; it is refused as a conflict and audited, and the
// real event's record still stands (issue 19, "Step identity").
import {
  createLifecycleEvent,
  defaultPolicy,
  executePlan,
  planEvent,
  type ExecuteOptions,
} from '@zendesk-lifecycle/core';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditTickets, clientFor, loggerFor } from './testing/sandbox.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0 });
});
afterAll(async () => {
  await sandbox.stop();
});

describe('a forged event reusing a real event id', () => {
  it('is refused as a conflict and audited, never recalled as done', async () => {
    const options: ExecuteOptions = {
      zendesk: clientFor(sandbox).asPort(),
      audit: loggerFor(sandbox),
      protectedUsers: { ids: [], emails: [], external_ids: [] },
    };
    const revoke = (email: string) =>
      createLifecycleEvent({
        source: 'idp/okta',
        id: 'evt-review-42',
        type: 'lifecycle.access_revoked.v1',
        user: { email },
      });
    const real = planEvent(revoke(DEMO_PEOPLE.reviewed.email), defaultPolicy());
    expect((await executePlan(real, options)).steps[0]).toMatchObject({ outcome: 'succeeded' });

    const forged = planEvent(revoke(DEMO_PEOPLE.agent.email), defaultPolicy());
    const execution = await executePlan(forged, options);
    expect(execution.steps[0]).toMatchObject({
      outcome: 'refused',
      recalled: false,
      refusal: { rule: 'event_id_conflict' },
    });
    expect(sandbox.state.users.get(DEMO_PEOPLE.agent.id)?.suspended).toBe(false);
    const refusal = auditTickets(sandbox).find((t) => t.id === execution.steps[0]!.audit_ticket_id);
    expect(refusal).toMatchObject({
      status: 'open',
      external_id: `zendesk-lifecycle:${forged.steps[0]!.idempotency_key}`,
    });
    expect(refusal?.tags).toEqual(
      expect.arrayContaining(['outcome_refused', `event_digest_${forged.event_digest}`]),
    );

    // The real event, delivered again, still finds its own ticket; the forged one finds its refusal again.
    expect((await executePlan(real, options)).steps[0]).toMatchObject({
      outcome: 'succeeded',
      recalled: true,
    });
    const again = await executePlan(forged, options);
    expect(again.steps[0]).toMatchObject({ outcome: 'refused', audit_ticket_id: refusal?.id });
    expect(auditTickets(sandbox)).toHaveLength(2);
  });
});
