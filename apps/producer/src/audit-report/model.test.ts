import { describe, expect, it } from 'vitest';
import {
  buildAuditReport,
  humanDuration,
  percentile,
  percentiles,
  periodBounds,
  type ReportOptions,
} from './model.js';
import { ORIGIN, SERVICE_ID, resultOf, ticketOf } from './testing/fixtures.js';

const options = (extra: Partial<ReportOptions> = {}): ReportOptions => ({
  from: '2026-10-01',
  to: '2026-12-31',
  targetHours: 24,
  now: new Date('2026-12-20T00:00:00Z'),
  ticketUrl: (id) => `${ORIGIN}/agent/tickets/${id}`,
  serviceUserId: SERVICE_ID,
  ...extra,
});

describe('percentiles (nearest rank)', () => {
  it('takes the ceil(p * n)-th smallest value', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 90)).toBe(90);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
    expect(percentiles([30, 10, 20])).toEqual({ count: 3, p50_ms: 20, p90_ms: 30, p99_ms: 30, max_ms: 30 });
  });
});

describe('periodBounds', () => {
  it('spans whole UTC days, the last one included, and refuses a wrong period', () => {
    const { start, end } = periodBounds('2026-10-01', '2026-12-31');
    expect(start.toISOString()).toBe('2026-10-01T00:00:00.000Z');
    expect(end.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(() => periodBounds('2026-12-31', '2026-10-01')).toThrow(/before/);
    expect(() => periodBounds('1 Oct', '2026-10-01')).toThrow(/YYYY-MM-DD/);
  });
});

describe('humanDuration', () => {
  it('says a duration in two units at most', () => {
    expect(humanDuration(45_000)).toBe('45 s');
    expect(humanDuration(3 * 3_600_000 + 20 * 60_000)).toBe('3 h 20 min');
    expect(humanDuration(2 * 86_400_000 + 4 * 3_600_000)).toBe('2 d 4 h');
    expect(humanDuration(86_400_000)).toBe('1 d');
    expect(humanDuration(null)).toBe('');
  });
});

describe('buildAuditReport', () => {
  it('joins tickets and results per event: who asked, when, each step, the time to removal and the links', () => {
    const t1 = ticketOf({
      event: 'e1',
      action: 'transfer_data',
      index: 0,
      count: 2,
      outcome: 'succeeded',
      at: '2026-10-01T09:00:00Z',
    });
    const t2 = ticketOf({
      event: 'e1',
      action: 'suspend',
      index: 1,
      count: 2,
      outcome: 'succeeded',
      at: '2026-10-01T10:00:00Z',
    });
    const r = resultOf({
      event: 'e1',
      status: 'completed',
      time: '2026-10-01T10:00:05Z',
      plan: ['transfer_data', 'suspend'],
      steps: [
        { action: 'transfer_data', outcome: 'succeeded', at: '2026-10-01T09:00:00Z', ticket: t1.ticket_id },
        { action: 'suspend', outcome: 'succeeded', at: '2026-10-01T10:00:01Z', ticket: t2.ticket_id },
      ],
    });
    const report = buildAuditReport([t1, t2], [r], options());
    expect(report.events).toHaveLength(1);
    const e = report.events[0]!;
    expect(e).toMatchObject({
      event_id: 'e1',
      source: 'urn:hr:workday',
      workflow: 'offboarding',
      status: 'completed',
      person: { zendesk_user_id: 4242, name: 'Jane Doe', email: 'jane@acme.test' },
      asked_by: {
        principal: 'workday-bridge',
        principal_type: 'app_user',
        source: 'urn:hr:workday',
        requester: 'hr-ops@acme.test',
      },
      happened_at: '2026-10-01T08:00:00Z',
      effective_at: '2026-10-01T08:00:00Z',
      removes_access: true,
      // The result's step time wins over the ticket's.
      access_removed_at: '2026-10-01T10:00:01Z',
      event_to_removal_ms: 2 * 3_600_000 + 1000,
      effective_to_removal_ms: 2 * 3_600_000 + 1000,
      over_target: false,
      attention: [],
    });
    expect(e.steps.map((s) => [s.action, s.outcome, s.ticket_url])).toEqual([
      ['transfer_data', 'succeeded', `${ORIGIN}/agent/tickets/${t1.ticket_id}`],
      ['suspend', 'succeeded', `${ORIGIN}/agent/tickets/${t2.ticket_id}`],
    ]);
    expect(e.tickets.map((t) => t.id)).toEqual([t1.ticket_id, t2.ticket_id]);
    expect(report.summary).toMatchObject({
      events: 1,
      by_workflow_and_status: [{ workflow: 'offboarding', status: 'completed', events: 1 }],
      time_to_removal: { count: 1, p50_ms: 7_201_000 },
      over_target: [],
      needs_attention: 0,
    });
  });

  it('lists what was refused, failed, still waiting, and removal past the target (also when not removed at all)', () => {
    const late = ticketOf({
      event: 'late',
      action: 'downgrade',
      index: 0,
      count: 1,
      outcome: 'succeeded',
      at: '2026-10-03T08:00:00Z',
    });
    const refused = ticketOf({
      event: 'refused',
      action: 'suspend',
      index: 0,
      count: 1,
      outcome: 'refused',
      at: '2026-10-02T08:00:00Z',
      refusal: { rule: 'protected_user', reason: 'on the protected list' },
    });
    const failed = ticketOf({
      event: 'failed',
      action: 'suspend',
      index: 0,
      count: 1,
      outcome: 'failed',
      at: '2026-12-19T20:00:00Z',
      time: '2026-12-19T19:00:00Z',
      error: { code: 'zendesk_server_error', message: '503' },
    });
    const waiting = resultOf({
      event: 'waiting',
      status: 'scheduled',
      time: '2026-12-10T00:00:00Z',
      scheduledFor: '2027-01-15T00:00:00Z',
      plan: ['suspend'],
      steps: [],
    });
    const report = buildAuditReport([late, refused, failed], [waiting], options());
    const byId = new Map(report.events.map((e) => [e.event_id, e]));
    expect(byId.get('late')).toMatchObject({
      status: 'no_result',
      over_target: true,
      effective_to_removal_ms: 48 * 3_600_000,
    });
    expect(byId.get('late')!.attention.join(' ')).toMatch(/2 d after the effective time \(target: 24 h\)/);
    expect(byId.get('refused')).toMatchObject({
      status: 'refused',
      over_target: true,
      access_removed_at: null,
    });
    expect(byId.get('refused')!.attention).toEqual(
      expect.arrayContaining([
        'suspend was refused (protected_user: on the protected list)',
        'access not removed, and more than 24 h have passed since the effective time',
      ]),
    );
    // Failed 5 h ago: not yet past the target.
    expect(byId.get('failed')).toMatchObject({ status: 'failed', over_target: false });
    expect(byId.get('failed')!.attention).toContain('suspend failed (zendesk_server_error: 503)');
    expect(byId.get('waiting')).toMatchObject({
      status: 'waiting',
      effective_at: '2027-01-15T00:00:00Z',
      over_target: false,
    });
    expect(byId.get('waiting')!.attention).toContain(
      'still waiting: due 2027-01-15T00:00:00Z, nothing done yet',
    );
    expect(report.summary.over_target.map((o) => o.event_id).sort()).toEqual(['late', 'refused']);
    expect(report.summary.needs_attention).toBe(4);
  });

  it('measures the target from the time an event was scheduled for, and keeps a re-hire out of removals', () => {
    const scheduled = resultOf({
      event: 's',
      status: 'scheduled',
      time: '2026-10-01T00:00:00Z',
      scheduledFor: '2026-10-10T00:00:00Z',
      plan: ['suspend'],
      steps: [],
    });
    const done = resultOf({
      event: 's',
      status: 'completed',
      time: '2026-10-10T01:00:00Z',
      plan: ['suspend'],
      steps: [{ action: 'suspend', outcome: 'succeeded', at: '2026-10-10T01:00:00Z', ticket: 77 }],
    });
    const rehire = resultOf({
      event: 'r',
      variant: 'reversal',
      status: 'completed',
      time: '2026-10-11T00:00:00Z',
      plan: ['unsuspend', 'restore'],
      steps: [{ action: 'unsuspend', outcome: 'succeeded', at: '2026-10-11T00:00:00Z', ticket: 78 }],
    });
    const report = buildAuditReport([], [done, scheduled, rehire], options());
    const s = report.events.find((e) => e.event_id === 's')!;
    expect(s).toMatchObject({
      status: 'completed',
      effective_at: '2026-10-10T00:00:00Z',
      effective_to_removal_ms: 3_600_000,
      over_target: false,
    });
    expect(s.tickets).toEqual([{ id: 77, url: `${ORIGIN}/agent/tickets/77` }]);
    const r = report.events.find((e) => e.event_id === 'r')!;
    expect(r).toMatchObject({ removes_access: false, access_removed_at: null, over_target: false });
    expect(report.summary.by_workflow_and_status).toContainEqual({
      workflow: 'offboarding (reversal)',
      status: 'completed',
      events: 1,
    });
  });

  it('keeps only the period, and sets aside tickets the service did not write', () => {
    const before = ticketOf({
      event: 'old',
      action: 'suspend',
      index: 0,
      count: 1,
      outcome: 'succeeded',
      at: '2026-09-30T23:59:59Z',
    });
    const forged = ticketOf({
      event: 'forged',
      action: 'suspend',
      index: 0,
      count: 1,
      outcome: 'succeeded',
      at: '2026-10-05T00:00:00Z',
      submitter: 12345,
    });
    const last = ticketOf({
      event: 'last',
      action: 'suspend',
      index: 0,
      count: 1,
      outcome: 'succeeded',
      at: '2026-12-31T23:59:59Z',
    });
    const after = ticketOf({
      event: 'next',
      action: 'suspend',
      index: 0,
      count: 1,
      outcome: 'succeeded',
      at: '2027-01-01T00:00:00Z',
    });
    const report = buildAuditReport([before, forged, last, after], [], options());
    expect(report.events.map((e) => e.event_id)).toEqual(['last']);
    expect(report.sources).toMatchObject({ audit_tickets: 1, set_aside_tickets: 1 });
  });
});
