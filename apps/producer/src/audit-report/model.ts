// The audit report's data model, built from the audit tickets of a period and the result events: one entry per
// person and event (who asked, when it happened upstream, when it took effect, each step and when it finished,
// how long until access was removed, the audit tickets, and anything refused, failed or still waiting), and a
// summary (counts per workflow and outcome, time-to-removal percentiles, events over the policy target).
// Pure: no I/O, the clock is passed in. JSON output is this model as it is.
import type { ResultEvent } from '@zendesk-lifecycle/core';
import type { AuditedStepTicket } from './audit-ticket.js';

/** Actions that take access away: the first of them to be done is when access was removed. */
const REMOVING = new Set(['downgrade', 'suspend', 'deprovision', 'purge']);
const DONE = new Set(['succeeded', 'already_done']);
const HOUR_MS = 3_600_000;

export interface ReportOptions {
  /** First day of the period (YYYY-MM-DD, UTC), included. */
  from: string;
  /** Last day of the period (YYYY-MM-DD, UTC), included. */
  to: string;
  /** The policy target: access removed within this many hours of the effective time (default 24). */
  targetHours: number;
  /** When the report is made: an event still waiting past its deadline is over the target. */
  now: Date;
  /** The agent link of a ticket (`https://acme.zendesk.com/agent/tickets/<id>`). */
  ticketUrl: (id: number) => string;
  /** The service identity (the API user): tickets somebody else submitted are not evidence and are set aside. */
  serviceUserId?: number | null;
  /** Where the facts came from, said in the report. */
  sources?: { zendesk: string; topic: string };
}

export type EventStatus =
  'completed' | 'refused' | 'failed' | 'waiting' | 'in_progress' | 'cancelled' | 'planned' | 'no_result';

export interface ReportStep {
  index: number | null;
  action: string;
  outcome: string;
  /** When the step finished (the result's finished_at, else its audit ticket's time). */
  finished_at: string | null;
  ticket_id: number | null;
  ticket_url: string | null;
  refusal: { rule: string; reason: string | null } | null;
  error: { code: string; message: string } | null;
}

export interface ReportEvent {
  event_id: string;
  source: string;
  type: string | null;
  workflow: string | null;
  variant: string | null;
  dry_run: boolean;
  person: { zendesk_user_id: number | null; name: string | null; email: string | null };
  asked_by: {
    /** The authenticated principal (authcontext authid and authtype), null for a direct Kafka publisher. */
    principal: string | null;
    principal_type: string | null;
    /** The event's source system. */
    source: string;
    /** The event's requested_by. */
    requester: string | null;
  };
  reason: string | null;
  /** When it happened upstream: the event's time. */
  happened_at: string | null;
  /** When it was to take effect: the time it was scheduled for, else the event's time. */
  effective_at: string | null;
  status: EventStatus;
  steps: ReportStep[];
  /** Whether the event's plan takes access away (an offboarding, a review, a reclaim; not a re-hire or dry run). */
  removes_access: boolean;
  access_removed_at: string | null;
  /** From the upstream event time to access removed. */
  event_to_removal_ms: number | null;
  /** From the effective time to access removed: what the policy target is measured on. */
  effective_to_removal_ms: number | null;
  over_target: boolean;
  /** Plain sentences for a person: refused, failed, still waiting, over the target. */
  attention: string[];
  tickets: Array<{ id: number; url: string }>;
}

export interface Percentiles {
  count: number;
  p50_ms: number | null;
  p90_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
}

export interface AuditReport {
  title: string;
  period: { from: string; to: string };
  generated_at: string;
  target: { hours: number; rule: string };
  sources: {
    zendesk: string;
    topic: string;
    audit_tickets: number;
    results: number;
    set_aside_tickets: number;
  };
  summary: {
    events: number;
    by_workflow_and_status: Array<{ workflow: string; status: EventStatus; events: number }>;
    /** Time from the effective time to access removed, over the events that removed access (nearest rank). */
    time_to_removal: Percentiles;
    over_target: Array<{ event_id: string; source: string; person: string; why: string }>;
    needs_attention: number;
  };
  events: ReportEvent[];
}

/** The p-th percentile of sorted values, nearest-rank method: the ceil(p/100 * n)-th smallest. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50_ms: percentile(sorted, 50),
    p90_ms: percentile(sorted, 90),
    p99_ms: percentile(sorted, 99),
    max_ms: sorted.at(-1) ?? null,
  };
}

/** The period's bounds as instants: from the first day's start to the day after the last (UTC). */
export function periodBounds(from: string, to: string): { start: Date; end: Date } {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!day.test(from) || !day.test(to)) throw new RangeError('--from and --to take a day: YYYY-MM-DD');
  const start = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()))
    throw new RangeError('--from and --to take a real day: YYYY-MM-DD');
  if (end < start) throw new RangeError('--to is before --from');
  end.setUTCDate(end.getUTCDate() + 1);
  return { start, end };
}

const keyOf = (source: string, id: string): string => `${source}\u0000${id}`;
const time = (iso: string | null | undefined): number | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

interface Gathered {
  id: string;
  source: string;
  tickets: AuditedStepTicket[];
  results: ResultEvent[];
}

/** Duration in words for people: "3 h 20 min", "45 s", "2 d 4 h". */
export function humanDuration(ms: number | null): string {
  if (ms === null) return '';
  const sign = ms < 0 ? '-' : '';
  let s = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const [big, small] =
    d > 0
      ? [`${d} d`, h && `${h} h`]
      : h > 0
        ? [`${h} h`, m && `${m} min`]
        : m > 0
          ? [`${m} min`, s && `${s} s`]
          : [`${s} s`, 0];
  return `${sign}${big}${small ? ` ${small}` : ''}`;
}

function stepsOf(g: Gathered, ticketUrl: (id: number) => string): ReportStep[] {
  const steps = new Map<string, ReportStep>();
  const put = (key: string, step: ReportStep) => {
    const old = steps.get(key);
    if (!old || (time(step.finished_at) ?? 0) >= (time(old.finished_at) ?? 0)) steps.set(key, step);
  };
  for (const t of g.tickets) {
    if (t.action === null) continue;
    const key = `${t.step.index ?? '?'}:${t.action}`;
    // An in-progress ticket is completed by an update: its update time is when the step finished.
    const at = t.outcome === 'in_progress' ? null : (t.updated_at ?? t.created_at);
    put(key, {
      index: t.step.index,
      action: t.action,
      outcome: t.outcome ?? 'unknown',
      finished_at: at,
      ticket_id: t.ticket_id,
      ticket_url: ticketUrl(t.ticket_id),
      refusal: t.refusal,
      error: t.error,
    });
  }
  // The results topic is the service's own account of each step: it wins over the ticket's times and words.
  for (const r of [...g.results].sort((a, b) => (time(a.time) ?? 0) - (time(b.time) ?? 0)))
    for (const s of r.data.steps) {
      const key = `${s.index}:${s.action}`;
      const old = steps.get(key);
      const ticket = s.audit_ticket_id ?? old?.ticket_id ?? null;
      steps.set(key, {
        index: s.index,
        action: s.action,
        outcome: s.outcome,
        finished_at: s.finished_at,
        ticket_id: ticket,
        ticket_url: ticket === null ? null : ticketUrl(ticket),
        refusal: s.refusal ? { rule: s.refusal.rule, reason: s.refusal.reason } : (old?.refusal ?? null),
        error: s.error ? { code: s.error.code, message: s.error.message } : (old?.error ?? null),
      });
    }
  return [...steps.values()].sort(
    (a, b) => (a.index ?? 99) - (b.index ?? 99) || (time(a.finished_at) ?? 0) - (time(b.finished_at) ?? 0),
  );
}

function statusOf(steps: ReportStep[], latest: ResultEvent | undefined, dryRun: boolean): EventStatus {
  if (steps.some((s) => s.outcome === 'failed')) return 'failed';
  if (steps.some((s) => s.outcome === 'refused')) return 'refused';
  if (steps.some((s) => s.outcome === 'in_progress')) return 'in_progress';
  if (steps.some((s) => s.outcome === 'cancelled')) return 'cancelled';
  if (latest?.data.status === 'scheduled') return 'waiting';
  if (dryRun) return 'planned';
  if (latest === undefined) return steps.length > 0 ? 'no_result' : 'waiting';
  return 'completed';
}

function buildEvent(g: Gathered, options: ReportOptions): ReportEvent {
  const results = [...g.results].sort((a, b) => (time(a.time) ?? 0) - (time(b.time) ?? 0));
  const latest = results.at(-1);
  const first = g.tickets[0];
  const steps = stepsOf(g, options.ticketUrl);
  const dryRun = latest?.data.dry_run ?? first?.dry_run ?? false;
  const workflow = latest?.data.workflow ?? first?.workflow ?? null;
  const variant = latest?.data.workflow_variant ?? first?.variant ?? null;
  const plan = latest?.data.plan ?? steps.map((s) => s.action);
  const principal = latest?.data.principal ?? first?.event.principal ?? null;
  const happenedAt = g.tickets.map((t) => t.event.time).find((t) => t !== null) ?? null;
  const scheduled = results.find((r) => r.data.status === 'scheduled')?.data.scheduled_for ?? null;
  const earliestStep = steps
    .map((s) => s.finished_at)
    .filter((t): t is string => t !== null)
    .sort()[0];
  const effectiveAt = scheduled ?? happenedAt ?? latest?.data.started_at ?? earliestStep ?? null;
  const removesAccess = !dryRun && variant !== 'reversal' && plan.some((a) => REMOVING.has(a));
  const removal = steps
    .filter((s) => REMOVING.has(s.action) && DONE.has(s.outcome) && s.finished_at !== null)
    .sort((a, b) => time(a.finished_at)! - time(b.finished_at)!)[0];
  const removedAt = removesAccess ? (removal?.finished_at ?? null) : null;
  const since = (from: string | null) =>
    removedAt === null || time(from) === null ? null : time(removedAt)! - time(from)!;
  const effectiveToRemoval = since(effectiveAt);
  const status = statusOf(steps, latest, dryRun);
  const targetMs = options.targetHours * HOUR_MS;
  const attention: string[] = [];
  for (const s of steps) {
    if (s.outcome === 'refused')
      attention.push(
        `${s.action} was refused${s.refusal ? ` (${s.refusal.rule}${s.refusal.reason ? `: ${s.refusal.reason}` : ''})` : ''}`,
      );
    if (s.outcome === 'failed')
      attention.push(
        `${s.action} failed${s.error ? ` (${s.error.code}${s.error.message ? `: ${s.error.message}` : ''})` : ''}`,
      );
    if (s.outcome === 'in_progress') attention.push(`${s.action} was started and has no outcome yet`);
    if (s.outcome === 'cancelled') attention.push(`${s.action} was called off before it was due`);
  }
  if (status === 'waiting')
    attention.push(`still waiting: due ${scheduled ?? 'at a later time'}, nothing done yet`);
  if (status === 'no_result')
    attention.push(
      'audit tickets exist but the results topic has no result for this event (still being handled?)',
    );
  const purgeDue = latest?.data.status === 'completed' ? latest.data.scheduled_for : undefined;
  if (purgeDue && !steps.some((s) => s.action === 'purge'))
    attention.push(`permanent deletion still waiting: due ${purgeDue}`);
  let overTarget = false;
  if (removesAccess && effectiveAt !== null) {
    if (effectiveToRemoval !== null && effectiveToRemoval > targetMs) {
      overTarget = true;
      attention.push(
        `access removed ${humanDuration(effectiveToRemoval)} after the effective time (target: ${options.targetHours} h)`,
      );
    } else if (removedAt === null && options.now.getTime() - time(effectiveAt)! > targetMs) {
      overTarget = true;
      attention.push(
        `access not removed, and more than ${options.targetHours} h have passed since the effective time`,
      );
    }
  }
  const ticketIds = [
    ...new Set([...g.tickets.map((t) => t.ticket_id), ...steps.flatMap((s) => s.ticket_id ?? [])]),
  ];
  const named = g.tickets.find((t) => t.user.name !== null || t.user.email !== null);
  return {
    event_id: g.id,
    source: g.source,
    type: latest?.data.source_event.type ?? first?.event.type ?? null,
    workflow,
    variant,
    dry_run: dryRun,
    person: {
      zendesk_user_id:
        latest?.data.zendesk_user_id ?? g.tickets.find((t) => t.user_id !== null)?.user_id ?? null,
      name: named?.user.name ?? null,
      email: named?.user.email ?? null,
    },
    asked_by: {
      principal: principal?.authid ?? null,
      principal_type: principal?.authtype ?? null,
      source: g.source,
      requester: g.tickets.map((t) => t.event.requested_by).find((r) => r !== null) ?? null,
    },
    reason: g.tickets.map((t) => t.event.reason).find((r) => r !== null) ?? null,
    happened_at: happenedAt,
    effective_at: effectiveAt,
    status,
    steps,
    removes_access: removesAccess,
    access_removed_at: removedAt,
    event_to_removal_ms: since(happenedAt),
    effective_to_removal_ms: effectiveToRemoval,
    over_target: overTarget,
    attention,
    tickets: ticketIds.sort((a, b) => a - b).map((id) => ({ id, url: options.ticketUrl(id) })),
  };
}

/** Who the event was about, in a few words: "Rita Reviewed <rita@acme.test> #1012". */
export function personLabel(e: ReportEvent): string {
  const parts = [e.person.name, e.person.email ? `<${e.person.email}>` : null];
  if (e.person.zendesk_user_id !== null) parts.push(`#${e.person.zendesk_user_id}`);
  const label = parts.filter((p) => p !== null).join(' ');
  return label === '' ? '(unknown user)' : label;
}

/**
 * The report of a period: every event with an audit ticket created in the period or a result written in it.
 * Tickets another identity submitted (when the service identity is known) are counted and set aside.
 */
export function buildAuditReport(
  tickets: Iterable<AuditedStepTicket>,
  results: Iterable<ResultEvent>,
  options: ReportOptions,
): AuditReport {
  const { start, end } = periodBounds(options.from, options.to);
  const inPeriod = (iso: string | null) => {
    const t = time(iso);
    return t !== null && t >= start.getTime() && t < end.getTime();
  };
  const events = new Map<string, Gathered>();
  const gather = (source: string, id: string) => {
    const key = keyOf(source, id);
    let g = events.get(key);
    if (!g) events.set(key, (g = { id, source, tickets: [], results: [] }));
    return g;
  };
  let ticketCount = 0;
  let setAside = 0;
  for (const t of tickets) {
    if (!inPeriod(t.created_at)) continue;
    if (options.serviceUserId != null && t.submitter_id !== options.serviceUserId) {
      setAside++;
      continue;
    }
    ticketCount++;
    gather(t.event.source ?? '(unknown source)', t.event.id).tickets.push(t);
  }
  const pending: ResultEvent[] = [];
  for (const r of results) pending.push(r);
  let resultCount = 0;
  for (const r of pending) {
    const key = keyOf(r.data.source_event.source, r.data.source_event.id);
    if (!events.has(key) && !inPeriod(r.time)) continue;
    resultCount++;
    gather(r.data.source_event.source, r.data.source_event.id).results.push(r);
  }
  const built = [...events.values()]
    .map((g) => buildEvent(g, options))
    .sort(
      (a, b) =>
        (a.effective_at ?? '').localeCompare(b.effective_at ?? '') || a.event_id.localeCompare(b.event_id),
    );
  const counts = new Map<string, { workflow: string; status: EventStatus; events: number }>();
  for (const e of built) {
    const workflow = e.variant ? `${e.workflow ?? 'unknown'} (${e.variant})` : (e.workflow ?? 'unknown');
    const key = `${workflow}\u0000${e.status}`;
    const c = counts.get(key) ?? { workflow, status: e.status, events: 0 };
    c.events++;
    counts.set(key, c);
  }
  return {
    title: `Identity lifecycle audit report, ${options.from} to ${options.to}`,
    period: { from: options.from, to: options.to },
    generated_at: options.now.toISOString(),
    target: {
      hours: options.targetHours,
      rule: `access removed within ${options.targetHours} h of the effective time`,
    },
    sources: {
      zendesk: options.sources?.zendesk ?? '',
      topic: options.sources?.topic ?? '',
      audit_tickets: ticketCount,
      results: resultCount,
      set_aside_tickets: setAside,
    },
    summary: {
      events: built.length,
      by_workflow_and_status: [...counts.values()].sort(
        (a, b) => a.workflow.localeCompare(b.workflow) || a.status.localeCompare(b.status),
      ),
      time_to_removal: percentiles(built.flatMap((e) => e.effective_to_removal_ms ?? [])),
      over_target: built
        .filter((e) => e.over_target)
        .map((e) => ({
          event_id: e.event_id,
          source: e.source,
          person: personLabel(e),
          why: e.attention.find((a) => /target|effective time/.test(a)) ?? '',
        })),
      needs_attention: built.filter((e) => e.attention.length > 0).length,
    },
    events: built,
  };
}
