// Runs a plan through the Zendesk and audit ports, one step at a time. Every terminal step outcome is audited
// before the next step starts. Transient failures stop the plan (the event is delivered again later and the
// idempotent steps make the replay harmless); the blast-radius brake holds it before acting (a dry run never counts). Before an irreversible
// action (deprovision) the audit record is opened as "in progress"; if that is refused, nothing is done.
import { ActionRefused, type RefusedPartial } from '../errors/action-refused.js';
import { LifecycleError, isErrorCode } from '../errors/lifecycle-error.js';
import {
  isSuccess,
  type ActionReport,
  type AuditedEvent,
  type Outcome,
  type Refusal,
  type RefusalRule,
  type StepError,
  type StepOutcome,
  type StepReport,
  type UserSnapshot,
} from '../model/index.js';
import type { Plan, PlannedStep } from '../planner/plan.js';
import { principalRefOf } from '../policy/principals.js';
import type { AuditPort, RecordContext, StepStart } from '../ports/audit-port.js';
import type { ZendeskPort } from '../ports/zendesk-port.js';
import type { BrakeAdmission, BrakePort } from '../ports/brake-port.js';
import { DEFAULT_ACTION_WEIGHTS, DEFAULT_WEIGHT } from '../rails/blast-radius.js';
import { protectionOf, type ProtectedUsers } from '../rails/protected-users.js';
import { systemClock, type Clock } from './clock.js';
import type { Execution } from './execution.js';
import { restoreStep } from './restore-step.js';

/** What `executePlan` acts through: Zendesk, the audit trail, protected users, the brake, the clock. */
export interface ExecuteOptions {
  zendesk: ZendeskPort;
  audit: AuditPort;
  protectedUsers: ProtectedUsers;
  /**
   * Whether this process may still act for the event (e.g. its Kafka partition has not moved to another member),
   * asked right before each live action: false makes the plan stop with a retry, nothing done, so that two members
   * never act on one event at once. Absent: always.
   */
  stillOwner?: () => boolean;
  /** The blast-radius brake, asked before every live action (a dry run never counts). */
  brake?: BrakePort;
  /** What each action weighs for the brake (the policy's `blast_radius.weights`); DEFAULT_ACTION_WEIGHTS else. */
  weights?: Partial<Record<PlannedStep['action'], number>>;
  clock?: Clock;
  /** The last delivery attempt: a transient failure is then audited as failed instead of retried. */
  finalAttempt?: boolean;
  /**
   * The plan's steps waited (an effective date, a purge's grace period) and were called off: each step not audited
   * yet is audited as `cancelled` with this reason, and nothing is done in Zendesk.
   */
  cancel?: { reason: string };
}

type Attempt =
  | {
      kind: 'outcome';
      outcome: Outcome;
      report?: ActionReport;
      /** What a refused action had done before it was refused. */
      partial?: RefusedPartial;
      refusal?: Refusal;
      error?: StepOutcome['error'];
      detail?: string;
    }
  | { kind: 'retry'; error: StepError; retryAfterSeconds: number | undefined }
  | { kind: 'hold'; reason: string; retryAfterMs: number };

function errorOf(error: unknown): StepError {
  if (error instanceof LifecycleError && isErrorCode(error.code))
    return { code: error.code, message: error.message, retryable: error.retryable };
  return {
    code: 'unexpected_error',
    message: error instanceof Error ? error.message : String(error),
    retryable: false,
  };
}

function auditedEvent(plan: Plan): AuditedEvent {
  const { event } = plan;
  return {
    id: event.id,
    type: event.type,
    source: event.source,
    time: event.time ?? null,
    subject: event.subject ?? null,
    reason: event.data.reason ?? null,
    requested_by: event.data.requested_by ?? null,
    principal: principalRefOf(event),
  };
}

class PlanRun {
  private user: UserSnapshot | null | undefined;
  /** The in-progress record `begin` opened for the step being run, completed by its `record`. */
  private begun: RecordContext['begun'];
  private readonly profiles = new Map<
    number,
    { id: number; email: string | null; external_id: string | null }
  >();
  /** What the recall of the step being run found (nothing, and when): passed on to `begin` and `record`. */
  private recallContext: RecordContext = {};
  private readonly clock: Clock;
  readonly reports: StepReport[] = [];

  constructor(
    private readonly plan: Plan,
    private readonly options: ExecuteOptions,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  async run(): Promise<Execution> {
    // A tripped brake holds a live plan before it costs anything (no recall, no look-up); a dry run goes on.
    const held = this.plan.dry_run ? null : (this.options.brake?.held?.() ?? null);
    if (held) return { status: 'hold', steps: [], reason: held.reason, retryAfterMs: held.retryAfterMs };
    for (const step of this.plan.steps) {
      const started = this.clock.now();
      const recalled = await this.options.audit.recall?.({
        idempotency_key: step.idempotency_key,
        audit_key: step.audit_key,
        event_digest: this.plan.event_digest,
      });
      // recall() is optional: without it there is no look-up the audit trail could skip.
      const recallContext: RecordContext = recalled === null ? { nothingRecalledAt: started } : {};
      this.recallContext = recallContext;
      this.begun = undefined;
      // A dry run's record ("planned") never counts as done for a live run (its keys differ too: planner/plan.ts).
      if (recalled && !recalled.conflict && (recalled.outcome !== 'planned' || this.plan.dry_run)) {
        this.push(step, started, { outcome: recalled.outcome, ticket: recalled.ticket_id, recalled: true });
        continue;
      }
      // Another event used this source and id first: never "already done", never acted on; refused and audited.
      const attempt = recalled?.conflict
        ? this.conflict(recalled.ticket_id)
        : this.options.cancel
          ? ({ kind: 'outcome', outcome: 'cancelled', detail: this.options.cancel.reason } as const)
          : await this.attempt(step);
      if (attempt.kind === 'hold')
        return {
          status: 'hold',
          steps: this.reports,
          reason: attempt.reason,
          retryAfterMs: attempt.retryAfterMs,
        };
      if (attempt.kind === 'retry') {
        const retryAfterMs =
          attempt.retryAfterSeconds === undefined ? undefined : attempt.retryAfterSeconds * 1000;
        return {
          status: 'retry',
          steps: this.reports,
          error: attempt.error,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        };
      }
      const outcome = this.outcomeOf(step, attempt, started);
      try {
        const context = this.begun ? { ...recallContext, begun: this.begun } : recallContext;
        const receipt = await this.options.audit.record(outcome, context);
        this.push(step, started, { ...attempt, ticket: receipt.ticket_id, recalled: false });
      } catch (error) {
        // The step happened but its audit record could not be written: deliver the event again (the replay
        // finds the step done and audits it then), or give up on it when the audit trail refuses it for good.
        const failure = errorOf(error);
        const retryAfter = error instanceof LifecycleError ? error.retryAfterSeconds : undefined;
        return {
          status: 'retry',
          steps: this.reports,
          error: { code: failure.code, message: failure.message, retryable: failure.retryable },
          ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter * 1000 }),
        };
      }
    }
    return {
      status: 'completed',
      steps: this.reports,
      zendesk_user_id: this.resolvedUserId(),
      ...(this.profiles.size > 0 ? { zendesk_profiles: [...this.profiles.values()] } : {}),
    };
  }

  private push(
    step: PlannedStep,
    started: Date,
    r: {
      outcome: Outcome;
      ticket: number | null;
      recalled: boolean;
      refusal?: Refusal;
      error?: StepOutcome['error'];
      detail?: string;
    },
  ): void {
    const finished = this.clock.now();
    this.reports.push({
      index: step.index,
      action: step.action,
      idempotency_key: step.idempotency_key,
      outcome: r.outcome,
      audit_ticket_id: r.ticket,
      recalled: r.recalled,
      ...(r.detail ? { detail: r.detail } : {}),
      ...(r.refusal ? { refusal: r.refusal } : {}),
      ...(r.error ? { error: r.error } : {}),
      started_at: started.toISOString(),
      finished_at: finished.toISOString(),
      duration_ms: finished.getTime() - started.getTime(),
    });
  }

  /** The Zendesk user the plan acted on: as found, else the event's id when no step had to look it up. */
  /** The user as last looked up or changed; every Zendesk profile the plan met is remembered (a re-hire's new one too). */
  private setUser<T extends UserSnapshot | null>(user: T): T {
    this.user = user;
    if (user) this.profiles.set(user.id, { id: user.id, email: user.email, external_id: user.external_id });
    return user;
  }

  private resolvedUserId(): number | null {
    if (this.user === undefined) return this.plan.user.id ?? null;
    return this.user?.id ?? null;
  }

  private refuse(rule: RefusalRule, reason: string): Attempt {
    return { kind: 'outcome', outcome: 'refused', refusal: { rule, reason } };
  }

  private conflict(ticketId: number): Attempt {
    const { id, source } = this.plan.event;
    return this.refuse(
      'event_id_conflict',
      `event id ${id} from ${source} was already used by a different event (audit ticket ${ticketId}); ` +
        'this event is not acted on: send it again with an id of its own',
    );
  }

  private async resolveUser(): Promise<UserSnapshot | null> {
    if (this.user === undefined) return this.setUser(await this.options.zendesk.findUser(this.plan.user));
    return this.user;
  }

  private async attempt(step: PlannedStep): Promise<Attempt> {
    if (step.refusal) return { kind: 'outcome', outcome: 'refused', refusal: step.refusal };
    const unmet = step.requires.filter(
      (i) => !this.reports.some((r) => r.index === i && (isSuccess(r.outcome) || r.outcome === 'planned')),
    );
    if (unmet.length > 0)
      return this.refuse('precondition_failed', `step ${unmet.map((i) => i + 1).join(', ')} did not succeed`);
    let user: UserSnapshot | null;
    try {
      user = await this.resolveUser();
    } catch (error) {
      return this.failure(error);
    }
    if (!user) {
      if (step.action === 'deprovision' || step.action === 'purge')
        return { kind: 'outcome', outcome: 'already_done', detail: 'the user no longer exists' };
      return this.outcomeFailure({
        code: 'user_not_found',
        message: 'no Zendesk user matches the event',
        retryable: false,
      });
    }
    const protection = protectionOf(user, this.options.protectedUsers, {
      may_target_admins: this.mayTargetAdmins(),
    });
    if (protection) return this.refuse('protected_user', protection);
    if (step.action === 'purge' && user.active) {
      return this.refuse(
        'not_soft_deleted',
        `${user.name} (${user.id}) is active again (restored or re-hired since the soft delete): not purged`,
      );
    }
    if (this.plan.dry_run) {
      return {
        kind: 'outcome',
        outcome: 'planned',
        detail: `dry run: would ${step.action.replace('_', ' ')}`,
      };
    }
    if (this.options.stillOwner && !this.options.stillOwner()) {
      return {
        kind: 'retry',
        error: {
          code: 'ownership_uncertain',
          message:
            'the event may now belong to another consumer (a rebalance or a broker fault): not acted on here',
          retryable: true,
        },
        retryAfterSeconds: undefined,
      };
    }
    const admission = await this.admit(step);
    if (!admission.admitted) {
      return { kind: 'hold', reason: admission.reason, retryAfterMs: admission.retryAfterMs };
    }
    const refund = () => this.refund(admission.ticket);
    try {
      user = await this.groupsBeforeDelete(step, user);
    } catch (error) {
      await refund();
      return this.failure(error);
    }
    const refusedStart = await this.begin(step, user);
    if (refusedStart) {
      await refund();
      return refusedStart;
    }
    try {
      const report = await this.act(step, user);
      if (report.status === 'already_done') await refund();
      if (report.after) this.setUser(report.after);
      return {
        kind: 'outcome',
        outcome: report.status,
        report,
        ...(report.detail ? { detail: report.detail } : {}),
      };
    } catch (error) {
      // Refused after doing part of it (e.g. tickets reassigned before Zendesk refused the delete): that counts.
      if (!(error instanceof ActionRefused && error.partial)) await refund();
      return this.failure(error);
    }
  }

  /** Before a soft delete: the memberships it ends, read for its audit record (what a re-hire gives back). */
  private async groupsBeforeDelete(step: PlannedStep, user: UserSnapshot): Promise<UserSnapshot> {
    const { zendesk } = this.options;
    if (step.action !== 'deprovision' || !user.active || user.group_ids || !zendesk.readGroups) return user;
    return this.setUser(await zendesk.readGroups(user));
  }

  /** Asks the brake (when there is one) to count this step; a brake that cannot answer holds. */
  private async admit(step: PlannedStep): Promise<BrakeAdmission> {
    const { brake, weights } = this.options;
    if (!brake) return { admitted: true };
    const weight = weights?.[step.action] ?? DEFAULT_ACTION_WEIGHTS[step.action] ?? DEFAULT_WEIGHT;
    try {
      return await brake.admit({
        action: step.action,
        weight,
        event_id: this.plan.event.id,
        idempotency_key: step.idempotency_key,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { admitted: false, reason: `the brake cannot answer: ${message}`, retryAfterMs: 5_000 };
    }
  }

  private async refund(ticket: string | undefined): Promise<void> {
    if (ticket === undefined) return;
    try {
      await this.options.brake?.refund?.(ticket);
    } catch {
      // Best effort: a lost refund leaves the action counted, which only errs on the safe side.
    }
  }

  /**
   * Opens the in-progress audit record of an irreversible step; a refusal (retryable or not) stops the plan
   * before acting: the event waits for another delivery, or dead-letters when the audit trail refuses for good.
   */
  private async begin(step: PlannedStep, user: UserSnapshot): Promise<Attempt | null> {
    const { audit } = this.options;
    if ((step.action !== 'deprovision' && step.action !== 'purge') || !audit.begin) return null;
    const { outcome: _unknownYet, ...start }: StepOutcome & StepStart = this.outcomeOf(
      step,
      { kind: 'outcome', outcome: 'succeeded' },
      this.clock.now(),
    );
    this.setUser(user);
    try {
      this.begun = await audit.begin(start, this.recallContext);
      return null;
    } catch (error) {
      const retryAfter = error instanceof LifecycleError ? error.retryAfterSeconds : undefined;
      return { kind: 'retry', error: errorOf(error), retryAfterSeconds: retryAfter };
    }
  }

  private failure(error: unknown): Attempt {
    if (error instanceof ActionRefused) {
      return {
        kind: 'outcome',
        outcome: 'refused',
        refusal: { rule: error.rule, reason: error.message },
        partial: error.partial,
      };
    }
    const e = errorOf(error);
    if (e.retryable && !this.options.finalAttempt && error instanceof LifecycleError)
      return { kind: 'retry', error: e, retryAfterSeconds: error.retryAfterSeconds };
    return this.outcomeFailure(e);
  }

  private outcomeFailure(error: StepError): Attempt {
    return { kind: 'outcome', outcome: 'failed', error };
  }

  /** Whether the principal that asked may act on admins; events without a principal may not. */
  private mayTargetAdmins(): boolean {
    return this.plan.principal?.may_target_admins ?? false;
  }

  private act(step: PlannedStep, user: UserSnapshot): Promise<ActionReport> {
    const { zendesk } = this.options;
    const options = { idempotency_key: step.idempotency_key, may_target_admins: this.mayTargetAdmins() };
    const reassign = { ...options, reassign_to: step.reassign_to ?? [] };
    switch (step.action) {
      case 'downgrade':
        return zendesk.downgrade(user, reassign);
      case 'suspend':
        return zendesk.suspend(user, options);
      case 'unsuspend':
        return zendesk.unsuspend(user, options);
      case 'deprovision':
        return zendesk.deprovision(user, { ...reassign, permanent: step.permanent ?? false });
      case 'transfer_data':
        return zendesk.transferData(user, this.plan.transfer_to ?? {}, options);
      case 'purge':
        return zendesk.purge(user, options);
      case 'restore':
        return restoreStep(zendesk, this.options.audit, user, options);
    }
  }

  private outcomeOf(
    step: PlannedStep,
    attempt: Extract<Attempt, { kind: 'outcome' }>,
    started: Date,
  ): StepOutcome {
    const report = attempt.report;
    const user = this.user ?? null;
    const reassignment = report?.reassignment ?? attempt.partial?.reassignment;
    return {
      event: auditedEvent(this.plan),
      workflow: this.plan.workflow.workflow,
      workflow_variant: this.plan.workflow.variant,
      step: {
        index: step.index,
        count: this.plan.steps.length,
        action: step.action,
        idempotency_key: step.idempotency_key,
        audit_key: step.audit_key,
        event_digest: this.plan.event_digest,
      },
      user: report?.after ?? report?.before ?? user,
      user_ref: this.plan.user,
      outcome: attempt.outcome,
      dry_run: this.plan.dry_run,
      before: report?.before ?? attempt.partial?.before ?? user,
      after: report ? report.after : user,
      ...(attempt.refusal ? { refusal: attempt.refusal } : {}),
      ...(attempt.error ? { error: attempt.error } : {}),
      request_ids: report?.request_ids ?? attempt.partial?.request_ids ?? [],
      ...(report?.transfer ? { transfer: report.transfer } : {}),
      ...(reassignment ? { reassignment } : {}),
      ...(report?.assigned_ticket_ids ? { assigned_ticket_ids: report.assigned_ticket_ids } : {}),
      ...(attempt.detail || step.note
        ? { detail: [step.note, attempt.detail].filter(Boolean).join('; ') }
        : {}),
      started_at: started.toISOString(),
      finished_at: this.clock.now().toISOString(),
    };
  }
}

/** Executes the plan; see Execution for how it ends. */
export function executePlan(plan: Plan, options: ExecuteOptions): Promise<Execution> {
  return new PlanRun(plan, options).run();
}
