// What must hold after every fault test: one terminal outcome per event, no Zendesk change made twice,
// one audit ticket per step, and the Zendesk state the workload predicts. Failures name the event ids involved.
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

const USER_CHANGE = /^\/api\/v2\/(users|deleted_users)\/(\d+)(\.json)?$/;

export function checkInvariants(
  workload: Workload,
  ledger: Ledger,
  sandbox: RunningSandbox,
  itsm: RunningSandbox = sandbox,
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

  // A state-changing request (changed: true) on one user for one kind of action must happen once.
  const changes = new Map<string, LoggedRequest[]>();
  for (const r of sandbox.state.requestLog) {
    const m = USER_CHANGE.exec(r.path);
    if (!r.changed || !m || r.status >= 300) continue;
    const key = `${r.method} ${m[1]} ${m[2]}`;
    changes.set(key, [...(changes.get(key) ?? []), r]);
  }
  const repeated = [...changes.entries()].filter(([, list]) => list.length > 1);
  if (repeated.length)
    problems.push(
      `Zendesk changes made twice: ${repeated
        .slice(0, 20)
        .map(([k]) => k)
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
  workload.events.forEach((event) => {
    const id = event.data.user.id!;
    const expected = workload.expected.get(id);
    const user = sandbox.state.users.get(id);
    const actual = !user
      ? 'deleted'
      : user.suspended
        ? 'suspended'
        : user.role === 'end-user'
          ? 'end-user'
          : 'active';
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
