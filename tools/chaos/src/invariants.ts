// What must hold after every fault test: one terminal outcome per event, no Zendesk change made twice,
// one audit ticket per step, and the Zendesk state the workload predicts (a deprovision ends purged, or soft-deleted
// with the purge waiting when the policy delays it). Failures name the event ids involved.
import type { LoggedRequest, RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import type { Ledger } from './ledger.js';
import type { Workload } from './workload.js';

export interface Figures {
  events: number;
  invalid: number;
  results: number;
  deadLetters: number;
  duplicatesFound: number;
  lost: number;
  zendeskChangesRepeated: number;
  auditTickets: number;
  auditDuplicates: number;
  wrongFinalState: number;
}

export interface Verdict {
  figures: Figures;
  problems: string[];
}

/** A request on one user: /api/v2/users/{id}[/...] or /api/v2/deleted_users/{id}[/...]. */
const USER_REQUEST = /^\/api\/v2\/(users|deleted_users)\/(\d+)((?:\/[^/]+)*?)(?:\.json)?$/;

/** Zendesk refused these before acting (sign-in, rate limit): nothing changed, the client must send it again. */
const REFUSED_BEFORE_ACTING = new Set([401, 429]);

/** What the consumers were allowed to do to a deprovisioned user, from their policy and environment. */
export interface DeprovisionRules {
  /** ALLOW_IRREVERSIBLE=true or the policy's allow_irreversible: permanent deletion is permitted. */
  allowIrreversible: boolean;
  /** The policy's purge_after_days (0 or absent: the permanent delete follows the soft delete at once). */
  purgeAfterDays: number;
}

/** Reads the rules from the policy JSON the consumers were given, defensively (fields may be absent). */
export function deprovisionRules(policy: unknown, env: Record<string, string | undefined>): DeprovisionRules {
  const p = (typeof policy === 'object' && policy !== null ? policy : {}) as Record<string, unknown>;
  const days = p.purge_after_days;
  return {
    allowIrreversible: env.ALLOW_IRREVERSIBLE === 'true' || p.allow_irreversible === true,
    purgeAfterDays: typeof days === 'number' && Number.isFinite(days) && days > 0 ? days : 0,
  };
}

/**
 * The state a deprovisioned user must end in: purged (permanently deleted) when irreversible actions are on
 * and the purge is immediate; soft-deleted, with the purge waiting, when the policy delays it; untouched
 * (active) when permanent deletion is off and the step is refused.
 */
export function deprovisionedState(rules: DeprovisionRules): FinalState {
  if (!rules.allowIrreversible) return 'active';
  return rules.purgeAfterDays > 0 ? 'soft-deleted' : 'deleted';
}

export type FinalState = 'suspended' | 'end-user' | 'active' | 'deleted' | 'soft-deleted' | 'missing';

/** The user's state in the sandbox: live (and how), soft-deleted, or permanently deleted. */
export function finalStateOf(sandbox: RunningSandbox, id: number): FinalState {
  const user = sandbox.state.users.get(id);
  if (user) return user.suspended ? 'suspended' : user.role === 'end-user' ? 'end-user' : 'active';
  if (sandbox.state.purged.has(id)) return 'deleted';
  if (sandbox.state.deletedUsers.has(id)) return 'soft-deleted';
  return 'missing';
}

/**
 * Every mutating request per user and kind (method and route, e.g. "PUT users/:id"), whether it changed
 * anything or not: a repeated no-op suspend counts too. Allowed: one, plus one retry for each request of that
 * kind that an injected fault or a refusal before acting (401, 429) made necessary. Returns the excess ones.
 */
export function repeatedChanges(
  log: readonly LoggedRequest[],
): Array<{ key: string; sent: number; allowed: number }> {
  const kinds = new Map<string, { sent: number; allowed: number }>();
  for (const r of log) {
    if (!r.mutating) continue;
    const m = USER_REQUEST.exec(r.path);
    if (!m) continue;
    const kind = `${r.method} ${m[1]}/:id${m[3]!.replace(/\/\d+/g, '/:id')}`;
    const key = `${kind} (user ${m[2]})`;
    const entry = kinds.get(key) ?? { sent: 0, allowed: 1 };
    entry.sent += 1;
    if (r.fault !== undefined || REFUSED_BEFORE_ACTING.has(r.status)) entry.allowed += 1;
    kinds.set(key, entry);
  }
  return [...kinds.entries()].filter(([, k]) => k.sent > k.allowed).map(([key, k]) => ({ key, ...k }));
}

export function checkInvariants(
  workload: Workload,
  ledger: Ledger,
  sandbox: RunningSandbox,
  itsm: RunningSandbox = sandbox,
  rules: DeprovisionRules = { allowIrreversible: true, purgeAfterDays: 0 },
): Verdict {
  const problems: string[] = [];
  const ids = workload.events.map((e) => e.id);
  const invalidIds = workload.invalid.map((i) => i.id);
  const terminal = (id: string) =>
    (ledger.results.get(id)?.length ?? 0) + (ledger.deadLetters.get(id)?.length ?? 0);
  const lost = [...ids, ...invalidIds].filter((id) => terminal(id) === 0);
  const duplicated = [...ids, ...invalidIds].filter((id) => terminal(id) > 1);
  if (lost.length) problems.push(`events without a terminal outcome: ${lost.slice(0, 20).join(', ')}`);
  if (duplicated.length)
    problems.push(`events with more than one terminal outcome: ${duplicated.slice(0, 20).join(', ')}`);
  const misrouted = invalidIds.filter((id) => !ledger.deadLetters.has(id));
  if (misrouted.length) problems.push(`invalid events not dead-lettered: ${misrouted.join(', ')}`);

  const repeated = repeatedChanges(sandbox.state.requestLog);
  if (repeated.length)
    problems.push(
      `Zendesk changes made twice: ${repeated
        .slice(0, 20)
        .map((r) => `${r.key}: ${r.sent} sent, ${r.allowed} allowed`)
        .join('; ')}`,
    );

  const audit = [...itsm.state.tickets.values()].filter((t) => t.tags.includes('itsm_audit'));
  const byExternal = new Map<string, number>();
  for (const t of audit) byExternal.set(t.external_id ?? '', (byExternal.get(t.external_id ?? '') ?? 0) + 1);
  const auditDuplicates = [...byExternal.entries()].filter(([, n]) => n > 1);
  if (auditDuplicates.length)
    problems.push(
      `audit tickets written twice: ${auditDuplicates
        .slice(0, 20)
        .map(([k]) => k)
        .join(', ')}`,
    );
  const steps = [...ledger.results.values()].reduce((n, list) => n + (list[0]?.data.steps.length ?? 0), 0);
  if (audit.length !== steps) problems.push(`${audit.length} audit tickets for ${steps} steps`);

  const wrong: string[] = [];
  const deprovisioned = deprovisionedState(rules);
  workload.events.forEach((event) => {
    const id = event.data.user.id!;
    const planned = workload.expected.get(id);
    const expected = planned === 'deleted' ? deprovisioned : planned;
    const actual = finalStateOf(sandbox, id);
    if (actual !== expected) wrong.push(`${event.id} (user ${id}: ${actual}, expected ${expected})`);
  });
  if (wrong.length) problems.push(`wrong final state: ${wrong.slice(0, 20).join(', ')}`);

  return {
    problems,
    figures: {
      events: ids.length,
      invalid: invalidIds.length,
      results: [...ledger.results.values()].reduce((n, l) => n + l.length, 0),
      deadLetters: [...ledger.deadLetters.values()].reduce((n, l) => n + l.length, 0),
      duplicatesFound: duplicated.length,
      lost: lost.length,
      zendeskChangesRepeated: repeated.length,
      auditTickets: audit.length,
      auditDuplicates: auditDuplicates.length,
      wrongFinalState: wrong.length,
    },
  };
}

export function printFigures(name: string, verdict: Verdict, faults: Record<string, number>): void {
  const f = verdict.figures;
  process.stderr.write(
    `\n[chaos] ${name}: events=${f.events} invalid=${f.invalid} results=${f.results} dead_letters=${f.deadLetters} ` +
      `audit_tickets=${f.auditTickets} faults=${JSON.stringify(faults)} duplicates=${f.duplicatesFound} lost=${f.lost} ` +
      `repeated_changes=${f.zendeskChangesRepeated} audit_duplicates=${f.auditDuplicates} wrong_state=${f.wrongFinalState}\n`,
  );
  for (const p of verdict.problems) process.stderr.write(`[chaos]   PROBLEM: ${p}\n`);
}
