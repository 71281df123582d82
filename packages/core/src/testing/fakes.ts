// Test doubles of core's own ports (not of HTTP or Kafka): an in-memory Zendesk and audit trail for unit tests.
import { ActionRefused } from '../errors/action-refused.js';
import { LifecycleError } from '../errors/lifecycle-error.js';
import {
  STATE_CHANGING_ACTIONS,
  describeState,
  matchesState,
  userIdentityOf,
  userStateOf,
  type PriorState,
} from '../model/prior-state.js';
import type {
  ActionOptions,
  ActionReport,
  AssigneeTarget,
  AuditReceipt,
  RecalledOutcome,
  ReassignOptions,
  ReassignReport,
  StepIdentity,
  StepOutcome,
  UserRef,
  UserSnapshot,
} from '../model/index.js';
import type { AuditNotice, AuditPort, RecordContext, StepStart } from '../ports/audit-port.js';
import type { ZendeskPort } from '../ports/zendesk-port.js';
import { destinationRefusal, noTransferRules, type TransferRules } from '../rails/transfer-destination.js';

/** A user snapshot for tests: an active agent with the given id, overridden by `partial`. */
export function user(partial: Partial<UserSnapshot> & { id: number }): UserSnapshot {
  return {
    name: `User ${partial.id}`,
    email: `user${partial.id}@acme.test`,
    external_id: null,
    role: 'agent',
    role_type: 0,
    custom_role_id: null,
    suspended: false,
    active: true,
    last_login_at: null,
    ...partial,
  };
}

/**
 * Zendesk in memory, held to the same contract as the real client (testing/contracts/zendesk-port.contract.ts):
 * idempotent actions that report `already_done`, soft-deleted users still found (inactive), the delete refused
 * while the user requests open tickets, assigned tickets reassigned first or the action refused, a transfer
 * destination refused by core's rule (rails/transfer-destination.ts) before any ticket moves.
 */
export class MemoryZendesk implements ZendeskPort {
  readonly users = new Map<number, UserSnapshot>();
  readonly calls: string[] = [];
  /** Errors to throw from the next calls, by method name. */
  readonly failures = new Map<string, LifecycleError[]>();
  /** Open tickets assigned to each agent, reassigned before a downgrade or deprovision. */
  readonly assigned = new Map<number, number[]>();
  /** Tickets each user requests that are not closed: moved by a transfer, blocking a delete. */
  readonly requested = new Map<number, number[]>();
  /** Group memberships (group ids) per user: an end user has none (a downgrade removes them, as Zendesk does). */
  readonly groups = new Map<number, number[]>();
  /** Agent seats still free; null: as many as needed. A downgrade frees one, a restore to a paid role takes one. */
  freeAgentSeats: number | null = null;

  constructor(
    users: UserSnapshot[] = [],
    /** The policy's `transfer` rules, as the real client is given them. */
    readonly transferRules: TransferRules = noTransferRules(),
  ) {
    for (const u of users) this.users.set(u.id, u);
  }

  private maybeFail(method: string): void {
    const next = this.failures.get(method)?.shift();
    if (next) throw next;
  }

  async findUser(ref: UserRef): Promise<UserSnapshot | null> {
    this.maybeFail('findUser');
    // Like the real port: an active user first, a soft-deleted one when no active user matches.
    const all = [...this.users.values()];
    for (const u of [...all.filter((u) => u.active), ...all.filter((u) => !u.active)]) {
      if (ref.id !== undefined && u.id === ref.id) return u;
      if (ref.email !== undefined && u.email?.toLowerCase() === ref.email.toLowerCase()) return u;
      if (ref.external_id !== undefined && u.external_id?.toLowerCase() === ref.external_id.toLowerCase())
        return u;
    }
    return null;
  }

  /** Like the real port: the user with its group ids read. */
  async readGroups(u: UserSnapshot): Promise<UserSnapshot> {
    return u.active ? this.withGroups(u) : u;
  }

  /** Like the real port: the newest soft-deleted user with the active user's email. */
  async formerProfile(u: UserSnapshot): Promise<UserSnapshot | null> {
    const email = u.email?.toLowerCase();
    if (!u.active || !email) return null;
    const deleted = [...this.users.values()].filter((d) => !d.active && d.email?.toLowerCase() === email);
    return deleted.sort((a, b) => b.id - a.id)[0] ?? null;
  }

  /** The user with the group ids it is a member of, as the real port reads them before changing a user. */
  private withGroups(u: UserSnapshot): UserSnapshot {
    return { ...u, group_ids: [...(this.groups.get(u.id) ?? [])].sort((a, b) => a - b) };
  }

  private change(user: UserSnapshot, patch: Partial<UserSnapshot>, done: boolean): ActionReport {
    if (done) return { status: 'already_done', before: user, after: user, request_ids: [] };
    // Like the real port: only a downgrade reads the groups first (they go with the agent role).
    const before = patch.role === 'end-user' ? this.withGroups(user) : user;
    if (patch.role === 'end-user') {
      this.groups.delete(user.id);
      if (paidSeat(before) && this.freeAgentSeats !== null) this.freeAgentSeats++;
    }
    const { group_ids: _read, ...stored } = { ...before, ...patch };
    this.users.set(stored.id, stored);
    return {
      status: 'succeeded',
      before,
      after: patch.role === 'end-user' ? { ...stored, group_ids: [] } : stored,
      request_ids: [`req-${this.calls.length}`],
    };
  }

  /** Like the real port: the assigned tickets go to the first target that exists, or the action is refused. */
  private async reassign(u: UserSnapshot, targets: AssigneeTarget[] = []): Promise<ReassignReport | null> {
    const tickets = this.assigned.get(u.id) ?? [];
    if (tickets.length === 0 || u.role === 'end-user') return null;
    for (const target of targets) {
      const to =
        'group_id' in target
          ? { group_id: target.group_id }
          : { assignee_id: (await this.findUser(target.agent))?.id ?? 0 };
      if ('assignee_id' in to && (to.assignee_id === 0 || to.assignee_id === u.id)) continue;
      this.assigned.delete(u.id);
      const agentId = 'assignee_id' in to ? to.assignee_id : undefined;
      if (agentId !== undefined)
        this.assigned.set(agentId, [...(this.assigned.get(agentId) ?? []), ...tickets]);
      return { to, moved: tickets, failed: [] };
    }
    throw new ActionRefused('no_reassignment_target', `no one to take ${tickets.length} assigned tickets`);
  }

  async downgrade(u: UserSnapshot, options?: ReassignOptions): Promise<ActionReport> {
    this.calls.push(`downgrade:${u.id}`);
    this.maybeFail('downgrade');
    if (u.role === 'end-user') return this.change(u, {}, true);
    const reassignment = await this.reassign(u, options?.reassign_to);
    const report = this.change(u, { role: 'end-user', role_type: null }, false);
    return reassignment ? { ...report, reassignment } : report;
  }
  async suspend(u: UserSnapshot): Promise<ActionReport> {
    this.calls.push(`suspend:${u.id}`);
    this.maybeFail('suspend');
    return this.change(u, { suspended: true }, u.suspended);
  }
  async unsuspend(u: UserSnapshot): Promise<ActionReport> {
    this.calls.push(`unsuspend:${u.id}`);
    this.maybeFail('unsuspend');
    if (!u.active)
      return { status: 'already_done', before: u, after: u, request_ids: [], detail: 'deleted: restore' };
    return this.change(u, { suspended: false }, !u.suspended);
  }
  async deprovision(
    u: UserSnapshot,
    options: { permanent: boolean; reassign_to?: AssigneeTarget[] },
  ): Promise<ActionReport> {
    this.calls.push(`deprovision:${u.id}:${options.permanent}`);
    this.maybeFail('deprovision');
    const stored = this.users.get(u.id);
    const softDeleted = !stored || !stored.active;
    const gone = !stored;
    if (softDeleted && (gone || !options.permanent))
      return { status: 'already_done', before: u, after: stored ?? null, request_ids: [] };
    let reassignment: ReassignReport | null = null;
    if (!softDeleted) {
      const blocking = this.requested.get(u.id)?.length ?? 0;
      if (blocking > 0)
        throw new ActionRefused(
          'zendesk_refused_delete',
          `Zendesk refuses to delete ${u.name} (${u.id}): "User is requester on ${blocking} tickets that are not closed"`,
        );
      reassignment = await this.reassign(u, options.reassign_to);
    }
    const before = u.group_ids ? u : this.withGroups(u);
    this.groups.delete(u.id);
    if (options.permanent) this.users.delete(u.id);
    else this.users.set(u.id, { ...u, active: false });
    return {
      status: 'succeeded',
      before,
      after: options.permanent ? null : { ...u, active: false },
      request_ids: [`req-${this.calls.length}`],
      ...(reassignment ? { reassignment } : {}),
    };
  }
  async purge(u: UserSnapshot): Promise<ActionReport> {
    this.calls.push(`purge:${u.id}`);
    this.maybeFail('purge');
    const stored = this.users.get(u.id);
    if (!stored)
      return { status: 'already_done', before: u, after: null, request_ids: [], detail: 'already gone' };
    if (stored.active)
      throw new ActionRefused(
        'not_soft_deleted',
        `${u.name} (${u.id}) is active: only a soft-deleted user is purged`,
      );
    this.users.delete(u.id);
    return {
      status: 'succeeded',
      before: stored,
      after: null,
      request_ids: [`req-${this.calls.length}`],
      detail: 'permanently deleted',
    };
  }

  /** Like the real port: refused for a deleted user or without a free seat; groups set exactly as recorded. */
  async restore(u: UserSnapshot, prior: PriorState, options?: ActionOptions): Promise<ActionReport> {
    this.calls.push(`restore:${u.id}`);
    this.maybeFail('restore');
    const stored = this.users.get(u.id);
    if (!stored || !stored.active) return this.restoreOntoProfile(u, prior, options);
    if (prior.role === 'admin' && stored.role !== 'admin' && options?.may_target_admins !== true)
      throw new ActionRefused(
        'protected_user',
        `giving user ${u.id} the admin role back needs may_target_admins`,
      );
    const before = this.withGroups(stored);
    if (matchesState(before, prior))
      return {
        status: 'already_done',
        before,
        after: before,
        request_ids: [],
        detail: 'already as recorded',
      };
    const target = { ...stored, role: prior.role, role_type: prior.role_type, suspended: prior.suspended };
    if (prior.custom_role_id !== null) target.custom_role_id = prior.custom_role_id;
    if (paidSeat(target) && !paidSeat(before)) {
      if (this.freeAgentSeats !== null && this.freeAgentSeats <= 0)
        throw new ActionRefused(
          'no_free_seat',
          `no agent seat is free to make user ${u.id} ${prior.role} again`,
        );
      if (this.freeAgentSeats !== null) this.freeAgentSeats--;
    }
    this.users.set(u.id, target);
    if (prior.group_ids !== null)
      this.groups.set(u.id, target.role === 'end-user' ? [] : [...prior.group_ids]);
    return {
      status: 'succeeded',
      before,
      after: this.withGroups(target),
      request_ids: [`req-${this.calls.length}`],
      detail: `restored: ${describeState(userStateOf(this.withGroups(target)))}`,
    };
  }

  /** Like the real port: Zendesk cannot undelete; the state goes onto an active profile of the person, found or made. */
  private async restoreOntoProfile(
    u: UserSnapshot,
    prior: PriorState,
    options?: ActionOptions,
  ): Promise<ActionReport> {
    const who = prior.identity ?? { name: u.name, email: u.email, external_id: u.external_id };
    if (who.email === null && who.external_id === null)
      throw new ActionRefused('user_deleted', `user ${u.id} is deleted and nothing identifies the person`);
    if (prior.role === 'admin' && options?.may_target_admins !== true)
      throw new ActionRefused(
        'protected_user',
        `giving user ${u.id} the admin role back needs may_target_admins`,
      );
    const same = (a: string | null, b: string | null) =>
      a !== null && b !== null && a.toLowerCase() === b.toLowerCase();
    let profile = [...this.users.values()].find(
      (p) => p.active && p.id !== u.id && (same(p.external_id, who.external_id) || same(p.email, who.email)),
    );
    const created = profile === undefined;
    if (!profile) {
      const fresh = {
        ...u,
        ...who,
        id: Math.max(0, ...this.users.keys()) + 1,
        active: true,
        role: prior.role,
      };
      const { group_ids: _none, ...rest } = { ...fresh, role_type: prior.role_type, suspended: false };
      if (paidSeat(rest) && this.freeAgentSeats !== null) {
        if (this.freeAgentSeats <= 0)
          throw new ActionRefused(
            'no_free_seat',
            `no agent seat is free to make user ${u.id} ${prior.role} again`,
          );
        this.freeAgentSeats--;
      }
      profile = { ...rest, custom_role_id: prior.custom_role_id };
      this.users.set(profile.id, profile);
    }
    const report = await this.restore(profile, prior, options);
    return {
      ...report,
      status: created || report.status === 'succeeded' ? 'succeeded' : 'already_done',
      before: { ...u, group_ids: [] },
      detail: `Zendesk cannot undelete: ${created ? 'created' : 'found'} profile ${profile.id}; old profile ${u.id} stays deleted`,
    };
  }

  async transferData(u: UserSnapshot, destination: UserRef): Promise<ActionReport> {
    this.calls.push(`transfer_data:${u.id}->${destination.id ?? destination.email}`);
    this.maybeFail('transferData');
    const target = await this.findUser(destination);
    if (!target) throw new LifecycleError('invalid_destination', 'the transfer destination does not exist');
    const refusal = destinationRefusal(u, target, this.transferRules);
    if (refusal) throw new ActionRefused('destination_not_allowed', refusal);
    const moved = this.requested.get(u.id) ?? [];
    this.requested.delete(u.id);
    if (moved.length > 0) this.requested.set(target.id, [...(this.requested.get(target.id) ?? []), ...moved]);
    return {
      status: moved.length === 0 ? 'already_done' : 'succeeded',
      before: u,
      after: u,
      request_ids: moved.length === 0 ? [] : [`req-${this.calls.length}`],
      transfer: { destination_id: target.id, moved, skipped: [], failed: [] },
    };
  }
}

/** Whether the user takes a paid agent seat: admins and agents other than light agents and contributors. */
function paidSeat(u: Pick<UserSnapshot, 'role' | 'role_type' | 'active'>): boolean {
  if (!u.active) return false;
  return u.role === 'admin' || (u.role === 'agent' && u.role_type !== 1 && u.role_type !== 3);
}

/** The audit trail in memory, held to the same contract as the ITSM logger (testing/contracts/audit-port.contract.ts). */
export class MemoryAudit implements AuditPort {
  /** Records by audit key; a conflict refusal is filed under its own step key (the slot is the other event's). */
  readonly tickets = new Map<string, { id: number; outcome: StepOutcome; inProgress?: true }>();
  /** The context of each record call, in order: what the executor said its recall found. */
  readonly contexts: RecordContext[] = [];
  failNext = 0;
  /** Notices by key (AuditPort.notice), and how many times each was written. */
  readonly notices = new Map<string, { id: number; notice: AuditNotice; writes: number }>();
  /** Errors to throw from the next `begin` calls. */
  readonly beginFailures: LifecycleError[] = [];

  async notice(notice: AuditNotice): Promise<AuditReceipt> {
    const existing = this.notices.get(notice.key);
    if (existing) {
      existing.writes += 1;
      return { ticket_id: existing.id, created: false };
    }
    const id = 5000 + this.notices.size;
    this.notices.set(notice.key, { id, notice, writes: 1 });
    return { ticket_id: id, created: true };
  }

  async begin(start: StepStart): Promise<AuditReceipt> {
    const failure = this.beginFailures.shift();
    if (failure) throw failure;
    const existing = this.tickets.get(start.step.audit_key);
    if (existing && existing.outcome.step.event_digest !== start.step.event_digest)
      throw new LifecycleError('audit_rejected', 'the audit key holds another event', { retryable: false });
    if (existing) return { ticket_id: existing.id, created: false };
    const id = 1000 + this.tickets.size;
    this.tickets.set(start.step.audit_key, {
      id,
      outcome: { ...start, outcome: 'failed' },
      inProgress: true,
    });
    return { ticket_id: id, created: true };
  }

  async record(outcome: StepOutcome, context: RecordContext = {}): Promise<AuditReceipt> {
    this.contexts.push(context);
    if (this.failNext > 0) {
      this.failNext--;
      throw new LifecycleError('audit_unavailable', 'audit target down', { retryable: true });
    }
    const key =
      outcome.refusal?.rule === 'event_id_conflict' ? outcome.step.idempotency_key : outcome.step.audit_key;
    const existing = this.tickets.get(key);
    if (existing?.inProgress && existing.outcome.step.event_digest === outcome.step.event_digest) {
      this.tickets.set(key, { id: existing.id, outcome });
      return { ticket_id: existing.id, created: false };
    }
    if (existing) return { ticket_id: existing.id, created: false };
    const id = 1000 + this.tickets.size;
    this.tickets.set(key, { id, outcome });
    return { ticket_id: id, created: true };
  }

  /** The `before` of the first succeeded state-changing step of the last event that changed the user. */
  async priorState(target: { id: number }): Promise<PriorState | null> {
    const changes = [...this.tickets.values()].filter(
      ({ outcome: o, inProgress }) =>
        !inProgress &&
        o.outcome === 'succeeded' &&
        !o.dry_run &&
        o.workflow_variant !== 'reversal' &&
        (STATE_CHANGING_ACTIONS as readonly string[]).includes(o.step.action) &&
        o.before?.id === target.id,
    );
    const last = changes.at(-1);
    if (!last) return null;
    const first = changes
      .filter((t) => t.outcome.step.event_digest === last.outcome.step.event_digest)
      .sort((a, b) => a.outcome.step.index - b.outcome.step.index)[0]!;
    return {
      ...userStateOf(first.outcome.before!),
      identity: userIdentityOf(first.outcome.before!),
      recorded_in: {
        ticket_id: first.id,
        event_id: first.outcome.event.id,
        action: first.outcome.step.action,
      },
    };
  }

  /** An in-progress record is not done: the step runs again (and completes it). */
  async recall(step: StepIdentity): Promise<RecalledOutcome | null> {
    const t = this.tickets.get(step.audit_key);
    if (!t) return null;
    const conflict = t.outcome.step.event_digest !== step.event_digest;
    if (t.inProgress && !conflict) return null;
    return { ticket_id: t.id, outcome: t.outcome.outcome, ...(conflict ? { conflict: true } : {}) };
  }
}
