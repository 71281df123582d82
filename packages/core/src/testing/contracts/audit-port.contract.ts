// The AuditPort contract, written once and run against every implementation: the in-memory fake (core) and the
// ITSM logger over the sandbox (packages/itsm-logger). Exactly one record per step, recall reads it back, and the
// recall-then-write shortcut (RecordContext) never costs a second record. An in-progress record (`begin`, before
// an irreversible action) is not done, and its step still gets one record, completed with the outcome.
import { describe, expect, it } from 'vitest';
import type { Outcome, StepOutcome } from '../../model/index.js';
import type { AuditPort, StepStart } from '../../ports/audit-port.js';
import { sha256Hex } from '../../hash/sha256.js';

let counter = 0;

/** A step outcome with a key no earlier test used (the sandbox may outlive a test). */
export function contractOutcome(outcome: Outcome = 'succeeded'): StepOutcome {
  counter += 1;
  const user = {
    id: 4242,
    name: 'Lee Leaver',
    email: 'lee.leaver@acme.test',
    external_id: null,
    role: 'agent' as const,
    role_type: 0,
    custom_role_id: null,
    suspended: false,
    active: true,
    last_login_at: null,
  };
  return {
    event: {
      id: `contract-${Date.now()}-${counter}`,
      type: 'lifecycle.access_revoked.v1',
      source: 'contract',
      time: null,
      subject: 'id:4242',
      reason: 'access review',
      requested_by: null,
    },
    workflow: 'access_review',
    workflow_variant: null,
    step: {
      index: 0,
      count: 1,
      action: 'suspend',
      idempotency_key: `zl-contract${Date.now().toString(16)}${counter}`,
      audit_key: `zl-contract${Date.now().toString(16)}${counter}-0-suspend`,
      event_digest: sha256Hex(`contract digest ${Date.now()} ${counter}`),
    },
    user,
    user_ref: { id: user.id },
    outcome,
    dry_run: false,
    before: user,
    after: { ...user, suspended: true },
    request_ids: [],
    ...(outcome === 'refused' ? { refusal: { rule: 'protected_user' as const, reason: 'on the list' } } : {}),
    started_at: '2026-12-01T09:00:00.000Z',
    finished_at: '2026-12-01T09:00:01.000Z',
  };
}

let userCounter = 0;

/**
 * Runs the AuditPort contract; each call of `port` is one writer, and all of them write to the same trail.
 * `settle` waits until what was recorded can be searched (an audit trail read through a lagging search index).
 */
export function describeAuditPortContract(
  name: string,
  port: () => Promise<AuditPort>,
  settle?: () => Promise<void>,
): void {
  describe(`AuditPort contract: ${name}`, () => {
    it('records a step once: a repeat returns the same record, not created', async () => {
      const audit = await port();
      const outcome = contractOutcome();
      const first = await audit.record(outcome);
      expect(first.created).toBe(true);
      expect(await audit.record(outcome)).toEqual({ ticket_id: first.ticket_id, created: false });
    });

    it('gives each step its own record', async () => {
      const audit = await port();
      const a = await audit.record(contractOutcome());
      const b = await audit.record(contractOutcome());
      expect(a.ticket_id).not.toBe(b.ticket_id);
    });

    it('recalls nothing before the record, then the recorded outcome', async () => {
      const audit = await port();
      const outcome = contractOutcome('refused');
      expect(await audit.recall?.(outcome.step)).toBeNull();
      const { ticket_id } = await audit.record(outcome, { nothingRecalledAt: new Date() });
      expect(await audit.recall?.(outcome.step)).toEqual({ ticket_id, outcome: 'refused' });
    });

    it('recalls a record of another digest under the same audit key as a conflict, never as done', async () => {
      const audit = await port();
      const real = contractOutcome();
      const { ticket_id } = await audit.record(real);
      const forged = {
        ...real.step,
        idempotency_key: `${real.step.idempotency_key}f`,
        event_digest: sha256Hex('x'),
      };
      expect(await audit.recall?.(forged)).toEqual({ ticket_id, outcome: 'succeeded', conflict: true });
      // The conflict's own refusal is a record of its own, and the real event's record stays as it was.
      const refusal = await audit.record({
        ...real,
        step: forged,
        outcome: 'refused',
        refusal: { rule: 'event_id_conflict', reason: 'the id was used by another event' },
      });
      expect(refusal.ticket_id).not.toBe(ticket_id);
      expect(await audit.recall?.(real.step)).toEqual({ ticket_id, outcome: 'succeeded' });
    });

    it('keeps one record when another writer records the step between the recall and the write', async () => {
      const audit = await port();
      const racer = await port();
      const outcome = contractOutcome();
      expect(await audit.recall?.(outcome.step)).toBeNull();
      const recalledAt = new Date();
      const theirs = await racer.record(outcome);
      const ours = await audit.record(outcome, { nothingRecalledAt: recalledAt });
      expect(ours).toEqual({ ticket_id: theirs.ticket_id, created: false });
      expect(await audit.recall?.(outcome.step)).toEqual({
        ticket_id: theirs.ticket_id,
        outcome: 'succeeded',
      });
    });

    it('opens a record in progress that recall does not take for done, then completes that one record', async () => {
      const audit = await port();
      if (!audit.begin) return expect(audit.begin).toBeUndefined();
      const outcome = contractOutcome();
      const { outcome: _final, ...start }: StepStart & { outcome: unknown } = outcome;
      const begun = await audit.begin(start);
      expect(begun.created).toBe(true);
      expect(await audit.recall?.(outcome.step)).toBeNull();
      // A crash here: the replay opens it again and finds the same record.
      const again = await (await port()).begin!(start);
      expect(again).toEqual({ ticket_id: begun.ticket_id, created: false });
      const done = await audit.record(outcome, { nothingRecalledAt: new Date(), begun: again });
      expect(done.ticket_id).toBe(begun.ticket_id);
      expect(await audit.recall?.(outcome.step)).toEqual({
        ticket_id: begun.ticket_id,
        outcome: 'succeeded',
      });
    });

    it('reads back the state before the last event that changed a user (its first succeeded change)', async () => {
      const audit = await port();
      if (!audit.priorState) return expect(audit.priorState).toBeUndefined();
      userCounter += 1;
      const id = 500_000 + (Date.now() % 100_000) * 10 + (userCounter % 10);
      const agent = { ...contractOutcome().user!, id, custom_role_id: 360_001, group_ids: [31, 32] };
      expect(await audit.priorState({ id })).toBeNull();
      const stepOf = (o: StepOutcome, index: number, action: StepOutcome['step']['action']) => ({
        ...o.step,
        index,
        count: 2,
        action,
        idempotency_key: `${o.step.idempotency_key}-${index}`,
        audit_key: `${o.step.audit_key}-${index}-${action}`,
      });
      // An older event, then the latest one: downgrade (state before it: the agent), then suspend.
      const older = contractOutcome();
      await audit.record({
        ...older,
        user: agent,
        user_ref: { id },
        before: { ...agent, custom_role_id: 1 },
        after: { ...agent, suspended: true },
      });
      const latest = contractOutcome();
      const downgrade = await audit.record({
        ...latest,
        workflow: 'offboarding',
        step: stepOf(latest, 0, 'downgrade'),
        user: agent,
        user_ref: { id },
        before: agent,
        after: { ...agent, role: 'end-user', custom_role_id: null, group_ids: [] },
      });
      const endUser = { ...agent, role: 'end-user' as const, custom_role_id: null, group_ids: [] };
      await audit.record({
        ...latest,
        workflow: 'offboarding',
        step: stepOf(latest, 1, 'suspend'),
        user: endUser,
        user_ref: { id },
        before: endUser,
        after: { ...endUser, suspended: true },
      });
      // A re-hire's own steps (a reversal) never count as the change to undo.
      const rehire = contractOutcome();
      await audit.record({
        ...rehire,
        workflow: 'offboarding',
        workflow_variant: 'reversal',
        step: { ...rehire.step, action: 'unsuspend' },
        user: endUser,
        user_ref: { id },
        before: { ...endUser, suspended: true },
        after: endUser,
      });
      await settle?.();
      expect(await audit.priorState({ id })).toEqual({
        role: 'agent',
        role_type: 0,
        custom_role_id: 360_001,
        suspended: false,
        group_ids: [31, 32],
        // Who the person was: a re-hire's new profile gets it (Zendesk cannot undelete).
        identity: { name: agent.name, email: agent.email, external_id: agent.external_id },
        recorded_in: { ticket_id: downgrade.ticket_id, event_id: latest.event.id, action: 'downgrade' },
      });
    });

    it('completes an in-progress record found by recall even without being told it was begun', async () => {
      const audit = await port();
      if (!audit.begin) return expect(audit.begin).toBeUndefined();
      const outcome = contractOutcome('refused');
      const { outcome: _final, ...start }: StepStart & { outcome: unknown } = outcome;
      const begun = await audit.begin(start);
      const resumed = await port();
      expect(await resumed.recall?.(outcome.step)).toBeNull();
      expect((await resumed.record(outcome, { nothingRecalledAt: new Date() })).ticket_id).toBe(
        begun.ticket_id,
      );
      expect(await resumed.recall?.(outcome.step)).toEqual({
        ticket_id: begun.ticket_id,
        outcome: 'refused',
      });
    });
  });
}
