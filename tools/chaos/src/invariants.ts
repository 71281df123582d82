// What must hold after every fault test: one terminal outcome per event, no Zendesk change made twice,
// one audit ticket per step, and the Zendesk state the workload predicts (a deprovision ends purged once its grace
// period has passed, or stays soft-deleted when a re-hire came inside it). Failures name the event ids involved.
import { parsePolicy } from '@zendesk-lifecycle/core';
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
  /** Results of scheduled purges, and of purges called off by a re-hire. */
  purges: number;
  purgesCancelled: number;
  /** Deprovisioned events whose purge (or its cancellation) is missing or came more than once. */
  purgeProblems: number;
  /** Audit tickets recording a purge called off (outcome cancelled). */
  cancellationsAudited: number;
  /** Purges Zendesk had done when the fault script ended (set by the harness): they came due amid the faults. */
  purgesDuringFaults?: number;
}

export interface Verdict {
  figures: Figures;
  problems: string[];
}

/** A request on one user: /api/v2/users/{id}[/...] or /api/v2/deleted_users/{id}[/...]. */
const USER_REQUEST = /^\/api\/v2\/(users|deleted_users)\/(\d+)((?:\/[^/]+)*?)(?:\.json)?$/;

/** Zendesk refused these before acting (sign-in, rate limit): nothing changed, the client must send it again. */
const REFUSED_BEFORE_ACTING = new Set([401, 429]);

/** A run waits for purges due this long after the soft delete at most; a longer grace period ends soft-deleted. */
export const PURGE_WAITED_FOR_MS = 120_000;

/** What the consumers were allowed to do to a deprovisioned user, from their policy and environment. */
export interface DeprovisionRules {
  /** ALLOW_IRREVERSIBLE=true or the policy's allow_irreversible: permanent deletion is permitted. */
  allowIrreversible: boolean;
  /** The policy's purge_after_days as the product reads it (core's parsePolicy: 7 when absent). */
  purgeAfterDays: number;
}

/** Reads the rules from the policy JSON the consumers were given, with core's own parser and defaults. */
export function deprovisionRules(policy: unknown, env: Record<string, string | undefined>): DeprovisionRules {
  const parsed = parsePolicy(policy ?? {});
  return {
    allowIrreversible: env.ALLOW_IRREVERSIBLE === 'true' || parsed.allow_irreversible,
    purgeAfterDays: parsed.purge_after_days,
  };
}

/** Whether a run under these rules purges its deprovisioned users (at once, or after a grace period it waits for). */
export function purgesWithinRun(rules: DeprovisionRules): boolean {
  return rules.allowIrreversible && rules.purgeAfterDays * 86_400_000 <= PURGE_WAITED_FOR_MS;
}

/**
 * The state a deprovisioned user must end in: purged (permanently deleted) when irreversible actions are on and
 * the grace period is one the run waits for (or 0); soft-deleted, with the purge waiting, when it is longer (the
 * product's default of 7 days) or when the user was re-hired inside it; untouched (active) when permanent deletion
 * is off and the step is refused.
 */
export function deprovisionedState(rules: DeprovisionRules, rehired = false): FinalState {
  if (!rules.allowIrreversible) return 'active';
  return purgesWithinRun(rules) && !rehired ? 'deleted' : 'soft-deleted';
}

/** The permanent deletes (`DELETE /api/v2/deleted_users/{id}`) that changed something, per user id. */
export function purgesDone(log: readonly LoggedRequest[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of log) {
    const m = USER_REQUEST.exec(r.path);
    if (r.method !== 'DELETE' || !r.changed || m?.[1] !== 'deleted_users' || m[3]) continue;
    out.set(Number(m[2]), (out.get(Number(m[2])) ?? 0) + 1);
  }
  return out;
}

/**
 * Per deprovisioned event, what its purge must have left behind: `purge` (one purge result, none cancelled), `cancel`
 * (one cancellation, no purge: a re-hire came inside the grace period) or `none` (no grace period, or irreversible
 * actions off: neither).
 */
export function expectedPurge(rules: DeprovisionRules, rehired: boolean): 'purge' | 'cancel' | 'none' {
  if (!rules.allowIrreversible || rules.purgeAfterDays === 0) return 'none';
  if (rehired) return 'cancel';
  return purgesWithinRun(rules) ? 'purge' : 'none';
}

/** Event ids whose purge results are not what `expectedPurge` says (missing, repeated, or unexpected). */
export function purgeMismatches(workload: Workload, ledger: Ledger, rules: DeprovisionRules): string[] {
  const out: string[] = [];
  for (const event of workload.events) {
    const userId = event.data.user.id!;
    const deprovisioned = workload.expected.get(userId) === 'deleted';
    const want = deprovisioned ? expectedPurge(rules, workload.rehires.has(userId)) : 'none';
    const purges = ledger.purges.get(event.id)?.length ?? 0;
    const cancels = ledger.purgeCancellations.get(event.id)?.length ?? 0;
    const expected = { purges: want === 'purge' ? 1 : 0, cancels: want === 'cancel' ? 1 : 0 };
    // With no grace period waited for, a purge still waiting is fine: only its absence is checked then.
    const waiting = deprovisioned && want === 'none' && rules.allowIrreversible && rules.purgeAfterDays > 0;
    if (waiting ? purges + cancels > 1 : purges !== expected.purges || cancels !== expected.cancels)
      out.push(`${event.id} (user ${userId}: ${purges} purged, ${cancels} cancelled; expected ${want})`);
  }
  return out;
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
 * `noopRepeatsAllowed` (runs that kill a broker): a repeat that changed nothing (e.g. the 404 of a second purge)
 * is tolerated, because a member cut off from the group may finish the record in hand while its new owner starts
 * it; a repeat that changed something still counts.
 */
export function repeatedChanges(
  log: readonly LoggedRequest[],
  options: { noopRepeatsAllowed?: boolean } = {},
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
    else if (options.noopRepeatsAllowed && !r.changed && entry.sent > 1) entry.allowed += 1;
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
  options: { noopRepeatsAllowed?: boolean } = {},
): Verdict {
  const problems: string[] = [];
  const ids = [...workload.events.map((e) => e.id), ...[...workload.rehires.values()].map((e) => e.id)];
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

  const repeated = repeatedChanges(sandbox.state.requestLog, options);
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
  // The purge step and its cancellation have audit tickets of their own (their own step keys).
  const steps = [ledger.results, ledger.purges, ledger.purgeCancellations]
    .flatMap((m) => [...m.values()])
    .reduce((n, list) => n + (list[0]?.data.steps.length ?? 0), 0);
  if (audit.length !== steps) problems.push(`${audit.length} audit tickets for ${steps} steps`);

  const purgeProblems = purgeMismatches(workload, ledger, rules);
  if (purgeProblems.length)
    problems.push(`purges not done exactly once: ${purgeProblems.slice(0, 20).join(', ')}`);
  // Zendesk's side: one permanent delete that changed something per purged user, none for anyone else.
  const purged = purgesDone(sandbox.state.requestLog);
  const purgedWrongly: string[] = [];
  workload.events.forEach((event) => {
    const id = event.data.user.id!;
    const want =
      workload.expected.get(id) !== 'deleted'
        ? 0
        : deprovisionedState(rules, workload.rehires.has(id)) === 'deleted'
          ? 1
          : 0;
    if ((purged.get(id) ?? 0) !== want)
      purgedWrongly.push(`${event.id} (user ${id}: ${purged.get(id) ?? 0}, expected ${want})`);
  });
  if (purgedWrongly.length)
    problems.push(
      `permanent deletes that changed something, per user: ${purgedWrongly.slice(0, 20).join(', ')}`,
    );

  // The cancellation of each re-hired user's purge is audited once (its own step key, outcome cancelled).
  const cancellationsAudited = audit.filter(
    (t) => t.tags.includes('action_purge') && t.tags.includes('outcome_cancelled'),
  ).length;
  const cancelsWanted = workload.events.filter(
    (e) =>
      workload.expected.get(e.data.user.id!) === 'deleted' &&
      expectedPurge(rules, workload.rehires.has(e.data.user.id!)) === 'cancel',
  ).length;
  if (cancellationsAudited !== cancelsWanted)
    problems.push(`${cancellationsAudited} audited purge cancellations for ${cancelsWanted} re-hires`);

  const wrong: string[] = [];
  workload.events.forEach((event) => {
    const id = event.data.user.id!;
    const planned = workload.expected.get(id);
    const expected = planned === 'deleted' ? deprovisionedState(rules, workload.rehires.has(id)) : planned;
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
      purges: [...ledger.purges.values()].reduce((n, l) => n + l.length, 0),
      purgesCancelled: [...ledger.purgeCancellations.values()].reduce((n, l) => n + l.length, 0),
      purgeProblems: purgeProblems.length + purgedWrongly.length,
      cancellationsAudited,
    },
  };
}

export function printFigures(name: string, verdict: Verdict, faults: Record<string, number>): void {
  const f = verdict.figures;
  process.stderr.write(
    `\n[chaos] ${name}: events=${f.events} invalid=${f.invalid} results=${f.results} dead_letters=${f.deadLetters} ` +
      `audit_tickets=${f.auditTickets} faults=${JSON.stringify(faults)} duplicates=${f.duplicatesFound} lost=${f.lost} ` +
      `repeated_changes=${f.zendeskChangesRepeated} audit_duplicates=${f.auditDuplicates} wrong_state=${f.wrongFinalState} ` +
      `purges=${f.purges} purges_during_faults=${f.purgesDuringFaults ?? '-'} purges_cancelled=${f.purgesCancelled} ` +
      `cancellations_audited=${f.cancellationsAudited} purge_problems=${f.purgeProblems}\n`,
  );
  for (const p of verdict.problems) process.stderr.write(`[chaos]   PROBLEM: ${p}\n`);
}
