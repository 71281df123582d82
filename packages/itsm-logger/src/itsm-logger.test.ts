import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import type { Outcome } from '@zendesk-lifecycle/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RECALL_FRESH_MS } from './itsm-logger.js';
import { redelivered } from './testing/outcomes.js';
import {
  auditTickets,
  clientFor,
  demoUser,
  loggerFor,
  ritaSuspended,
  SERVICE_EMAIL,
} from './testing/sandbox.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0 });
});
afterAll(async () => {
  await sandbox.stop();
});
afterEach(() => {
  sandbox.reset('demo');
});

const apiUserId = () => sandbox.state.findUserByEmail(sandbox.credentials.email)!.id;

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe('one audit ticket per outcome kind', () => {
  const cases: Array<{ outcome: Outcome; status: string; priority: string | null }> = [
    { outcome: 'succeeded', status: 'solved', priority: null },
    { outcome: 'already_done', status: 'solved', priority: null },
    { outcome: 'refused', status: 'open', priority: 'high' },
    { outcome: 'failed', status: 'open', priority: 'high' },
  ];

  it.each(cases)(
    '$outcome: $status, priority $priority, private comment',
    async ({ outcome, status, priority }) => {
      const step = ritaSuspended({
        outcome,
        ...(outcome === 'refused'
          ? { refusal: { rule: 'protected_user', reason: 'on the protected list' } }
          : {}),
        ...(outcome === 'failed'
          ? { error: { code: 'zendesk_server_error', message: 'Zendesk 503', retryable: true } }
          : {}),
      });
      const receipt = await loggerFor(sandbox).log(step);

      expect(receipt.created).toBe(true);
      const [ticket, ...others] = auditTickets(sandbox);
      expect(others).toEqual([]);
      expect(ticket).toMatchObject({
        id: receipt.ticket_id,
        status,
        priority,
        external_id: `zendesk-lifecycle:${step.step.audit_key}`,
        tags: [
          'itsm_audit',
          'action_suspend',
          'workflow_access_review',
          `outcome_${outcome}`,
          `event_digest_${step.step.event_digest}`,
          `zl_user_${DEMO_PEOPLE.reviewed.id}`,
        ],
        requester_id: DEMO_PEOPLE.bot.id,
        // A real account solves a ticket only with an assignee: the service identity, the API user (/users/me).
        assignee_id: status === 'solved' ? apiUserId() : null,
      });
      expect(ticket?.subject).toContain(`Rita Reviewed <rita@acme.test> #${DEMO_PEOPLE.reviewed.id}`);
      const [comment] = ticket?.comments ?? [];
      expect(comment?.public).toBe(false);
      expect(comment?.body).toContain(`Event id: ${step.event.id}`);
      expect(comment?.html_body).toContain(
        `<a href="${sandbox.url}/agent/users/${DEMO_PEOPLE.reviewed.id}">`,
      );
      expect(receipt.ticket_url).toBe(`${sandbox.url}/agent/tickets/${receipt.ticket_id}`);
    },
  );

  it('tags a dry run', async () => {
    await loggerFor(sandbox).log(ritaSuspended({ dry_run: true }));
    expect(auditTickets(sandbox)[0]?.tags).toContain('dry_run');
  });

  it('applies the configured group, brand, form, custom fields and priorities', async () => {
    const logger = loggerFor(sandbox, {
      ticket: {
        groupId: 360_001,
        brandId: 360_002,
        ticketFormId: 360_003,
        customFields: [{ id: 360_004, value: 'lifecycle' }],
        priority: 'low',
        extraTags: ['sox'],
      },
    });
    await logger.log(ritaSuspended());
    expect(auditTickets(sandbox)[0]).toMatchObject({
      group_id: 360_001,
      brand_id: 360_002,
      ticket_form_id: 360_003,
      custom_fields: [{ id: 360_004, value: 'lifecycle' }],
      priority: 'low',
    });
    expect(auditTickets(sandbox)[0]?.tags).toContain('sox');
  });
});

describe('untrusted names', () => {
  it('arrive escaped in the HTML comment', async () => {
    const hostile = `<script>alert('pwned')</script> "Bobby" & Co`;
    const user = demoUser('reviewed', { name: hostile });
    await loggerFor(sandbox).log(ritaSuspended({ user, before: user, after: { ...user, suspended: true } }));
    const html = auditTickets(sandbox)[0]?.comments[0]?.html_body ?? '';
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; &quot;Bobby&quot; &amp; Co');
  });
});

describe('the requester', () => {
  it('is never the user acted on: such an outcome is refused and nothing is written', async () => {
    const logger = loggerFor(sandbox, { requester: { email: DEMO_PEOPLE.reviewed.email } });
    const error = await rejection(logger.log(ritaSuspended()));
    expect(error).toMatchObject({ code: 'audit_requester_is_target', retryable: false });
    expect(auditTickets(sandbox)).toEqual([]);
  });
});

describe('exactly one ticket per step', () => {
  it('when the same outcome is logged five times', async () => {
    const logger = loggerFor(sandbox);
    const step = ritaSuspended();
    const receipts = [];
    for (let i = 0; i < 5; i += 1) receipts.push(await logger.log(step));
    expect(auditTickets(sandbox)).toHaveLength(1);
    expect(new Set(receipts.map((r) => r.ticket_id)).size).toBe(1);
    expect(receipts.map((r) => r.created)).toEqual([true, false, false, false, false]);
  });

  it('when five redeliveries with new timings and request ids race each other', async () => {
    const logger = loggerFor(sandbox);
    const step = ritaSuspended();
    const receipts = await Promise.all([0, 1, 2, 3, 4].map((i) => logger.log(redelivered(step, i))));
    // The losers sent the same key with another body; Zendesk refused them and they found the winner's ticket.
    const refused = sandbox.state.requestLog.filter((r) => r.method === 'POST' && r.status === 400);
    expect(refused.length).toBeGreaterThan(0);
    expect(auditTickets(sandbox)).toHaveLength(1);
    expect(new Set(receipts.map((r) => r.ticket_id)).size).toBe(1);
    expect(receipts.filter((r) => r.created)).toHaveLength(1);
  });

  it('when the process restarts between the ticket and the Kafka commit', async () => {
    const step = ritaSuspended();
    const first = await loggerFor(sandbox).log(step);
    // A new process, the event delivered again: the step re-runs and reports already_done.
    const again = await loggerFor(sandbox).log(redelivered(step, 1));
    expect(again).toMatchObject({ ticket_id: first.ticket_id, created: false });
    expect(auditTickets(sandbox)).toHaveLength(1);
  });

  it('when a process crashes after sending the creation and never hears back, then the event is redelivered', async () => {
    const step = ritaSuspended();
    const ticket = loggerFor(sandbox).preview(step);
    // What the crashed process did: it sent the creation, Zendesk wrote the ticket, the answer never arrived.
    sandbox.faults.set({ route: 'POST /tickets', resetRate: 1, resetAfterProcessing: true });
    const crashed = clientFor(sandbox, { retry: { retries: 0 } });
    const lost = await rejection(
      crashed.createTicket({ ...ticket.body }, { idempotencyKey: ticket.idempotencyKey }),
    );
    expect(lost).toMatchObject({ code: 'zendesk_network_error' });
    expect(auditTickets(sandbox)).toHaveLength(1);

    sandbox.faults.clear();
    const restarted = loggerFor(sandbox);
    const receipt = await restarted.log(redelivered(step, 1));
    expect(receipt).toMatchObject({ ticket_id: auditTickets(sandbox)[0]?.id, created: false });
    expect(auditTickets(sandbox)).toHaveLength(1);
  });

  it('when only the answer to the creation is lost: the look-up finds the ticket at once', async () => {
    sandbox.faults.set({ route: 'POST /tickets', resetRate: 1, resetAfterProcessing: true });
    const receipt = await loggerFor(sandbox).log(ritaSuspended());
    expect(auditTickets(sandbox).map((t) => t.id)).toEqual([receipt.ticket_id]);
  });

  it('when the creation times out on our side and the call is retried', async () => {
    sandbox.faults.set({ route: 'POST /tickets', latencyMs: 400 });
    const logger = loggerFor(sandbox, { client: { timeoutMs: 100, retry: { retries: 0 } } });
    const step = ritaSuspended();
    const error = await rejection(logger.log(step));
    expect(error).toMatchObject({ code: 'audit_unavailable', retryable: true });
    expect((error as Error).cause).toMatchObject({ code: 'zendesk_timeout' });

    await new Promise((resolve) => setTimeout(resolve, 600)); // whatever Zendesk does with the slow request is done
    sandbox.faults.clear();
    const retried = await logger.log(step);
    expect(auditTickets(sandbox).map((t) => t.id)).toEqual([retried.ticket_id]);
    expect((await logger.log(redelivered(step, 1))).ticket_id).toBe(retried.ticket_id);
  });
});

describe('recalling a step', () => {
  it('reads back the audited outcome, or null before the step was audited', async () => {
    const logger = loggerFor(sandbox);
    const step = ritaSuspended({ outcome: 'already_done' });
    expect(await logger.recall(step.step)).toBeNull();
    const { ticket_id } = await logger.log(step);
    expect(await logger.recall(step.step)).toEqual({ ticket_id, outcome: 'already_done' });
  });

  it('spares the write its own look-up when told a recall found no ticket just now (RecordContext)', async () => {
    const logger = loggerFor(sandbox);
    const step = ritaSuspended();
    const lookups = () =>
      sandbox.state.requestLog.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v2/tickets'))
        .length;
    expect(await logger.recall(step.step)).toBeNull();
    expect(lookups()).toBe(1);
    await logger.record(step, { nothingRecalledAt: new Date() });
    expect(lookups()).toBe(1);
    // Without a recall, or after one too long ago, the write looks the ticket up itself.
    const other = (index: number) =>
      ritaSuspended({
        step: {
          ...step.step,
          index,
          idempotency_key: `${step.step.idempotency_key}-${index}`,
          audit_key: `${step.step.audit_key}-${index}`,
        },
      });
    await logger.log(other(1));
    expect(lookups()).toBe(2);
    await logger.record(other(2), { nothingRecalledAt: new Date(Date.now() - RECALL_FRESH_MS) });
    expect(lookups()).toBe(3);
  });

  it('still writes one ticket when a racing delivery audits the step between the recall and the write', async () => {
    const logger = loggerFor(sandbox);
    const racer = loggerFor(sandbox);
    const step = ritaSuspended();
    expect(await logger.recall(step.step)).toBeNull();
    const recalledAt = new Date();
    const theirs = await racer.log(redelivered(step, 1));
    const ours = await logger.log(step, { nothingRecalledAt: recalledAt });
    expect(ours.ticket_id).toBe(theirs.ticket_id);
    expect(ours.created).toBe(false);
    expect(auditTickets(sandbox)).toHaveLength(1);
  });
});

describe('Zendesk unavailable', () => {
  it('a 5xx storm gives a retryable error and no ticket; a later retry writes exactly one', async () => {
    sandbox.faults.set({ route: '*', errorRate: 1, status: 503 });
    const logger = loggerFor(sandbox);
    const step = ritaSuspended();
    const error = await rejection(logger.log(step));
    expect(error).toMatchObject({ code: 'audit_unavailable', retryable: true });
    expect((error as Error).cause).toMatchObject({ code: 'zendesk_server_error', status: 503 });
    expect(auditTickets(sandbox)).toEqual([]);

    sandbox.faults.clear();
    await logger.log(step);
    await logger.log(step);
    expect(auditTickets(sandbox)).toHaveLength(1);
  });

  it('a 429 storm gives a retryable error that says when to try again', async () => {
    sandbox.faults.set({ rateLimitStormMs: 5_000 });
    const logger = loggerFor(sandbox, { client: { retry: { retries: 0 } } });
    const error = await rejection(logger.log(ritaSuspended()));
    expect(error).toMatchObject({ code: 'audit_unavailable', retryable: true, retryAfterSeconds: 1 });
  });

  it('a stopped account gives a retryable error; once it is back, a retry writes exactly one ticket', async () => {
    const lonely = await startSandbox({ seed: 'demo', rpm: 0 });
    const port = Number(new URL(lonely.url).port);
    const logger = loggerFor(lonely);
    const step = ritaSuspended();
    await lonely.stop();

    const error = await rejection(logger.log(step));
    expect(error).toMatchObject({ code: 'audit_unavailable', retryable: true });
    expect((error as Error).cause).toMatchObject({ code: 'zendesk_network_error' });

    const back = await startSandbox({ seed: 'demo', rpm: 0, port });
    try {
      await logger.log(step);
      await logger.log(redelivered(step, 1));
      expect(auditTickets(back)).toHaveLength(1);
    } finally {
      await back.stop();
    }
  });
});

describe('the requester by default', () => {
  it('is the configured service identity, created by Zendesk when unknown', async () => {
    await loggerFor(sandbox, { requester: { email: 'audit-robot@acme.test', name: 'Audit Robot' } }).log(
      ritaSuspended(),
    );
    const requesterId = auditTickets(sandbox)[0]?.requester_id ?? -1;
    expect(sandbox.state.users.get(requesterId)).toMatchObject({
      email: 'audit-robot@acme.test',
      name: 'Audit Robot',
    });
    expect(requesterId).not.toBe(DEMO_PEOPLE.reviewed.id);
  });

  it('can be given by id', async () => {
    await loggerFor(sandbox, { requester: { id: DEMO_PEOPLE.bot.id } }).log(ritaSuspended());
    expect(auditTickets(sandbox)[0]?.requester_id).toBe(DEMO_PEOPLE.bot.id);
    expect(SERVICE_EMAIL).toBe(DEMO_PEOPLE.bot.email);
  });
});
