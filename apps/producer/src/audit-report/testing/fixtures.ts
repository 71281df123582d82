// Report fixtures for the unit and browser tests: audit tickets as the parser reads them and result events as
// the consumer writes them, for a few people and events over a period.
import type { ResultEvent } from '@zendesk-lifecycle/core';
import type { AuditedStepTicket } from '../audit-ticket.js';
import { buildAuditReport, type AuditReport } from '../model.js';

export const ORIGIN = 'https://acme.zendesk.test';
export const SERVICE_ID = 9;

let nextTicket = 1000;

export function ticketOf(input: {
  event: string;
  source?: string;
  action: string;
  index: number;
  count: number;
  outcome: string;
  at: string;
  workflow?: string;
  variant?: string | null;
  time?: string | null;
  person?: { id: number; name: string; email: string };
  principal?: { authid: string; authtype: string } | null;
  requestedBy?: string | null;
  reason?: string | null;
  refusal?: { rule: string; reason: string | null } | null;
  error?: { code: string; message: string } | null;
  submitter?: number;
  id?: number;
}): AuditedStepTicket {
  const person = input.person ?? { id: 4242, name: 'Jane Doe', email: 'jane@acme.test' };
  return {
    ticket_id: input.id ?? nextTicket++,
    external_id: `zendesk-lifecycle:${input.event}-${input.index}-${input.action}`,
    status: input.outcome === 'failed' || input.outcome === 'refused' ? 'open' : 'solved',
    created_at: input.at,
    updated_at: input.at,
    submitter_id: input.submitter ?? SERVICE_ID,
    action: input.action,
    workflow: input.workflow ?? 'offboarding',
    variant: input.variant ?? null,
    outcome: input.outcome,
    dry_run: false,
    event_digest: 'abc',
    user_id: person.id,
    event: {
      id: input.event,
      type: 'lifecycle.offboarding.v1',
      source: input.source ?? 'urn:hr:workday',
      time: input.time === undefined ? '2026-10-01T08:00:00Z' : input.time,
      requested_by: input.requestedBy === undefined ? 'hr-ops@acme.test' : input.requestedBy,
      reason: input.reason === undefined ? 'left the company' : input.reason,
      principal:
        input.principal === undefined ? { authid: 'workday-bridge', authtype: 'app_user' } : input.principal,
    },
    step: { index: input.index, count: input.count, key: `zl-${input.event}-${input.index}` },
    user: { name: person.name, email: person.email },
    refusal: input.refusal ?? null,
    error: input.error ?? null,
  };
}

export function resultOf(input: {
  event: string;
  source?: string;
  workflow?: ResultEvent['data']['workflow'];
  variant?: string | null;
  status: ResultEvent['data']['status'];
  time: string;
  userId?: number | null;
  plan: ResultEvent['data']['plan'];
  steps: Array<{
    action: ResultEvent['data']['plan'][number];
    outcome: ResultEvent['data']['steps'][number]['outcome'];
    at: string;
    ticket: number | null;
    refusal?: { rule: string; reason: string };
  }>;
  scheduledFor?: string;
  principal?: { authid: string; authtype: string } | null;
}): ResultEvent {
  const source = input.source ?? 'urn:hr:workday';
  return {
    specversion: '1.0',
    id: `result:${source}:${input.event}${input.status === 'scheduled' ? ':scheduled' : ''}`,
    source: 'zendesk-lifecycle/consumer',
    type: 'lifecycle.result.v1',
    time: input.time,
    subject: 'email:jane@acme.test',
    datacontenttype: 'application/json',
    data: {
      source_event: { id: input.event, source, type: 'lifecycle.offboarding.v1' },
      zendesk_user_id: input.userId === undefined ? 4242 : input.userId,
      principal:
        input.principal === undefined ? { authid: 'workday-bridge', authtype: 'app_user' } : input.principal,
      workflow: input.workflow ?? 'offboarding',
      workflow_variant: input.variant ?? null,
      dry_run: false,
      plan: input.plan,
      status: input.status,
      ...(input.scheduledFor ? { scheduled_for: input.scheduledFor } : {}),
      steps: input.steps.map((s, index) => ({
        index,
        action: s.action,
        outcome: s.outcome,
        audit_ticket_id: s.ticket,
        recalled: false,
        ...(s.refusal ? { refusal: { rule: s.refusal.rule as never, reason: s.refusal.reason } } : {}),
        started_at: s.at,
        finished_at: s.at,
        duration_ms: 0,
      })),
      started_at: input.time,
      finished_at: input.time,
      duration_ms: 0,
    },
  } as ResultEvent;
}

/** A period's report over `n` generated people (for the browser test's table): every third over the target. */
export function generatedReport(n: number): AuditReport {
  const tickets: AuditedStepTicket[] = [];
  const results: ResultEvent[] = [];
  for (let i = 0; i < n; i++) {
    const event = `evt-${String(i).padStart(3, '0')}`;
    const happened = new Date(Date.UTC(2026, 9, 1 + (i % 60), 8));
    const hours = i % 3 === 0 ? 30 + i : (i * 7) % 23;
    const done = new Date(happened.getTime() + hours * 3_600_000).toISOString();
    const person = {
      id: 5000 + i,
      name: `Person ${String.fromCharCode(65 + (i % 26))}${i}`,
      email: `p${i}@acme.test`,
    };
    const t = ticketOf({
      event,
      action: 'suspend',
      index: 0,
      count: 1,
      outcome: 'succeeded',
      at: done,
      time: happened.toISOString(),
      person,
      workflow: 'access_review',
      reason: i === 1 ? '=HYPERLINK("http://evil.test","x")' : 'review',
    });
    tickets.push(t);
    results.push(
      resultOf({
        event,
        workflow: 'access_review',
        status: 'completed',
        time: done,
        userId: person.id,
        plan: ['suspend'],
        steps: [{ action: 'suspend', outcome: 'succeeded', at: done, ticket: t.ticket_id }],
      }),
    );
  }
  return buildAuditReport(tickets, results, {
    from: '2026-10-01',
    to: '2026-12-31',
    targetHours: 24,
    now: new Date('2027-01-02T00:00:00Z'),
    ticketUrl: (id) => `${ORIGIN}/agent/tickets/${id}`,
    serviceUserId: SERVICE_ID,
    sources: { zendesk: ORIGIN, topic: 'lifecycle.results' },
  });
}
