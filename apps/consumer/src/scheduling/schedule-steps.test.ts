// The pipeline's scheduling decisions, with core's fakes and a clock moved by hand: an effective date in the
// future waits, a soft delete writes its purge entry, a re-hire its cancel marker, and a fired entry runs the
// purge (after checking again) or audits the cancellation.
import { describe, expect, it } from 'vitest';
import {
  InMemoryBrake,
  createLifecycleEvent,
  eventKey,
  parsePolicy,
  type LifecycleEvent,
} from '@zendesk-lifecycle/core';
import { MemoryAudit, MemoryZendesk, user } from '@zendesk-lifecycle/core/testing';
import { createLogger } from '@zendesk-lifecycle/service-runtime';
import { createRecordProcessor } from '../pipeline/process-record.js';
import type { Verdict } from '../pipeline/contract.js';
import type { ScheduledFiring } from './firing.js';

const DAY = 86_400_000;

function world(allowIrreversible = true, policyInput: Record<string, unknown> = {}) {
  const policy = parsePolicy(policyInput);
  const zendesk = new MemoryZendesk([user({ id: 42, email: 'leo@acme.test', role: 'end-user' })]);
  const audit = new MemoryAudit();
  let now = new Date('2026-12-01T12:00:00Z');
  const process = createRecordProcessor({
    zendesk,
    audit,
    policy,
    protectedUsers: { ids: [], emails: [], external_ids: [] },
    brake: new InMemoryBrake(policy.blast_radius),
    dryRun: false,
    allowIrreversible,
    eventMaxBytes: 256 * 1024,
    resultSource: 'test',
    logger: createLogger({ level: 'silent', pretty: false }),
    clock: { now: () => now },
  });
  const run = (event: LifecycleEvent, scheduled?: ScheduledFiring) =>
    process({
      value: JSON.stringify(event),
      headers: { 'content-type': 'application/cloudevents+json' },
      finalAttempt: false,
      key: eventKey(event),
      ...(scheduled ? { scheduled } : {}),
    });
  return { zendesk, audit, run, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

const offboarding = (extra: Record<string, unknown> = {}) =>
  createLifecycleEvent({
    type: 'lifecycle.offboarding.v1',
    source: 'hr',
    id: 'off-1',
    user: { id: 42 },
    actions: ['deprovision'],
    time: '2026-12-01T11:00:00Z',
    ...extra,
  });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const parse = (v: Verdict): any => (v.kind === 'done' ? JSON.parse(v.result.value) : null);

describe('scheduling in the pipeline', () => {
  it('soft-deletes and writes a purge entry due after the grace period; the fired purge deletes for good', async () => {
    const { zendesk, run, advance } = world();
    const verdict = await run(offboarding());
    expect(verdict.kind).toBe('done');
    if (verdict.kind !== 'done') return;
    expect(zendesk.calls).toEqual(['deprovision:42:false']);
    expect(verdict.schedule).toHaveLength(1);
    const write = verdict.schedule![0]!;
    const entry = JSON.parse(write.value!);
    expect(write.key).toMatch(/^purge:zl-/);
    expect(entry).toMatchObject({
      kind: 'purge',
      due_at: '2026-12-08T12:00:00.000Z',
      user: { key: 'id:42', zendesk_id: 42 },
    });
    expect(parse(verdict).data).toMatchObject({
      status: 'completed',
      scheduled_for: '2026-12-08T12:00:00.000Z',
    });
    advance(8 * DAY);
    const fired = await run(offboarding(), {
      phase: 'due',
      kind: 'purge',
      entryId: write.key,
      zendeskUserId: 42,
      dueAt: entry.due_at,
    });
    expect(parse(fired).data).toMatchObject({
      status: 'completed',
      plan: ['purge'],
      steps: [{ outcome: 'succeeded' }],
    });
    expect(fired.kind === 'done' && fired.schedule).toBeFalsy();
    expect(zendesk.calls).toEqual(
      ['deprovision:42:false', 'findUser', 'purge:42'].filter((c) => c !== 'findUser'),
    );
  });

  it('takes a grace period in fractions of a day to the millisecond (8 seconds, 12 hours)', async () => {
    for (const [days, dueAt, said] of [
      [8 / 86_400, '2026-12-01T12:00:08.000Z', '(8 s)'],
      [0.5, '2026-12-02T00:00:00.000Z', '0.5 days (12 h)'],
      [29.999, '2026-12-31T11:58:33.600Z', '29.999 days (2591914 s)'],
    ] as const) {
      const { zendesk, run } = world(true, { purge_after_days: days });
      const verdict = await run(offboarding());
      expect(zendesk.calls).toEqual(['deprovision:42:false']);
      const entry = verdict.kind === 'done' ? JSON.parse(verdict.schedule![0]!.value!) : undefined;
      expect(entry).toMatchObject({ kind: 'purge', due_at: dueAt });
      expect(entry.reason).toContain(said);
      expect(parse(verdict).data.scheduled_for).toBe(dueAt);
    }
  });

  it('waits for a future effective_at (nothing done), then runs the fired event without scheduling it again', async () => {
    const { zendesk, run, advance } = world();
    const event = offboarding({ extra: { effective_at: '2026-12-05T17:00:00+01:00' } });
    const verdict = await run(event);
    expect(parse(verdict).data).toMatchObject({
      status: 'scheduled',
      scheduled_for: '2026-12-05T16:00:00.000Z',
      steps: [],
    });
    expect(zendesk.calls).toEqual([]);
    const write = verdict.kind === 'done' ? verdict.schedule![0]! : undefined;
    expect(write?.key).toMatch(/^effective:/);
    expect(JSON.parse(write!.value!).event.value).toBe(JSON.stringify(event));
    advance(5 * DAY);
    const fired = await run(event, {
      phase: 'due',
      kind: 'effective',
      entryId: write!.key,
      zendeskUserId: 42,
      dueAt: '',
    });
    expect(parse(fired).data.status).toBe('completed');
    expect(zendesk.calls).toEqual(['deprovision:42:false']);
  });

  it('writes a cancel marker for a re-hire; a cancel firing audits the waiting step as cancelled, once', async () => {
    const { zendesk, audit, run } = world();
    const rehire = createLifecycleEvent({
      type: 'lifecycle.rehire.v1',
      source: 'hr',
      id: 'r-1',
      user: { id: 42 },
    });
    const verdict = await run(rehire);
    const marker =
      verdict.kind === 'done' ? verdict.schedule?.find((w) => w.key === 'cancel:id:42') : undefined;
    expect(JSON.parse(marker!.value!)).toMatchObject({ by_event_id: 'r-1', at: '2026-12-01T12:00:00.000Z' });
    const firing: ScheduledFiring = {
      phase: 'cancel',
      kind: 'purge',
      entryId: 'purge:x',
      zendeskUserId: 42,
      dueAt: '',
      reason: 'rehired',
    };
    const cancelled = await run(offboarding(), firing);
    expect(parse(cancelled).data).toMatchObject({
      status: 'cancelled',
      steps: [{ action: 'purge', outcome: 'cancelled' }],
    });
    expect(parse(cancelled).id).toMatch(/:purge:cancelled$/);
    await run(offboarding(), firing);
    expect([...audit.tickets.values()].filter((t) => t.outcome.outcome === 'cancelled')).toHaveLength(1);
    expect(zendesk.calls.some((c) => c.startsWith('purge') || c.startsWith('deprovision'))).toBe(false);
  });

  it('files a purge under the Zendesk id, so a re-hire that names the user another way still cancels it', async () => {
    const { run } = world();
    const byEmail = await run(offboarding({ id: 'off-2', user: { email: 'Leo@acme.test' } }));
    const entry = byEmail.kind === 'done' ? JSON.parse(byEmail.schedule![0]!.value!) : null;
    expect(entry.user).toMatchObject({ key: 'id:42', zendesk_id: 42 });
    const rehire = createLifecycleEvent({
      type: 'lifecycle.rehire.v1',
      source: 'hr',
      id: 'r-2',
      user: { email: 'leo@acme.test' },
    });
    const verdict = await run(rehire);
    const markers = verdict.kind === 'done' ? (verdict.schedule ?? []).map((w) => w.key) : [];
    // The soft-deleted profile 42 cannot be undeleted: the re-hire restored the person onto a new profile (43).
    // The purge waits under 42, and the marker for 42 is there.
    expect(markers.sort()).toEqual(['cancel:email:leo@acme.test', 'cancel:id:42', 'cancel:id:43']);
  });

  it('cancels under every name Zendesk gives the re-hired user: an effective-dated step filed by email still meets a re-hire by id', async () => {
    const { run, zendesk } = world();
    zendesk.users.set(42, { ...zendesk.users.get(42)!, external_id: 'emp-42' });
    const waiting = await run(
      offboarding({
        id: 'off-3',
        user: { email: 'leo@acme.test' },
        extra: { effective_at: '2026-12-05T17:00:00Z' },
      }),
    );
    const entry = waiting.kind === 'done' ? waiting.schedule?.[0] : undefined;
    expect(entry?.key).toMatch(/^effective:/);
    expect(entry?.userKey).toBe('email:leo@acme.test');
    const rehire = createLifecycleEvent({
      type: 'lifecycle.rehire.v1',
      source: 'hr',
      id: 'r-3',
      user: { id: 42 },
    });
    const verdict = await run(rehire);
    const markers = verdict.kind === 'done' ? (verdict.schedule ?? []).map((w) => w.key) : [];
    expect(markers.sort()).toEqual([
      'cancel:email:leo@acme.test',
      'cancel:external_id:emp-42',
      'cancel:id:42',
    ]);
  });

  it('refuses a fired purge when irreversible actions are off now', async () => {
    const { zendesk, run } = world(false);
    const fired = await run(offboarding(), {
      phase: 'due',
      kind: 'purge',
      entryId: 'purge:x',
      zendeskUserId: 42,
      dueAt: '',
    });
    expect(parse(fired).data).toMatchObject({
      status: 'refused',
      steps: [{ refusal: { rule: 'irreversible_disabled' } }],
    });
    expect(zendesk.calls).toEqual([]);
  });
});
