// One record through the product: validate -> plan -> act -> audit -> result. It decides a verdict;
// the delivery side turns the verdict into Kafka writes. Bad input is a dead letter, never an exception.
import {
  authorizeEvent,
  buildResultEvent,
  buildScheduledResult,
  describeParseError,
  executePlan,
  parseKafkaRecord,
  planEvent,
  staleReason,
  systemClock,
  type AuditPort,
  type BrakePort,
  type Clock,
  type Policy,
  type ProtectedUsers,
  type ResultEvent,
  type ZendeskPort,
} from '@zendesk-lifecycle/core';
import type { Logger } from '@zendesk-lifecycle/service-runtime';
import type { ConsumerMetrics } from '../ops/metrics.js';
import { effectiveDueAt, effectiveEntry, planForFiring, writesAfter } from '../scheduling/schedule-steps.js';
import type { RecordInput, Verdict } from './contract.js';
import { keyMismatch } from './record-key.js';

export interface PipelineOptions {
  zendesk: ZendeskPort;
  audit: AuditPort;
  policy: Policy;
  /** Protected users on top of the policy's (e.g. the service identity that requests audit tickets). */
  protectedUsers: ProtectedUsers;
  /** The blast-radius brake (the fleet's, brake/fleet-brake.ts); weights from the policy. */
  brake: BrakePort;
  dryRun: boolean;
  allowIrreversible: boolean;
  eventMaxBytes: number;
  /** CloudEvents `source` of the result events this consumer writes. */
  resultSource: string;
  logger: Logger;
  metrics?: ConsumerMetrics;
  clock?: Clock;
}

/** The pipeline for one record. It never throws for bad input: that is a dead-letter verdict. */
export function createRecordProcessor(options: PipelineOptions): (record: RecordInput) => Promise<Verdict> {
  const clock = options.clock ?? systemClock;
  return async (record: RecordInput): Promise<Verdict> => {
    const parsed = parseKafkaRecord(
      { value: record.value, headers: record.headers },
      { maxBytes: options.eventMaxBytes },
    );
    if (!parsed.ok) {
      options.metrics?.events.inc({ type: 'unparsed', outcome: 'dead_letter' });
      return { kind: 'dead_letter', reason: parsed.error.code, error: describeParseError(parsed.error) };
    }
    const event = parsed.event;
    const wrongKey = keyMismatch(record.key, event);
    if (wrongKey) {
      options.metrics?.events.inc({ type: event.type, outcome: 'dead_letter' });
      return { kind: 'dead_letter', reason: 'key_mismatch', error: wrongKey };
    }
    const recordTime = record.timestamp ? new Date(Number(record.timestamp)) : undefined;
    // A fired entry was accepted when it was scheduled: its age counts from then, not from the event's time.
    const stale = record.scheduled
      ? undefined
      : staleReason(event, options.policy.max_event_age_days, clock.now(), recordTime);
    if (stale) {
      options.metrics?.events.inc({ type: event.type, outcome: 'dead_letter' });
      options.logger.warn({ eventId: event.id, type: event.type }, stale);
      return { kind: 'dead_letter', reason: 'stale_event', error: stale };
    }
    // The principal again, against this consumer's policy: an unknown one, rights exceeded, or (without an
    // authcontext) what direct publishers may not send is dead-lettered with the reason; nothing is touched.
    const authorization = authorizeEvent(options.policy, event);
    if (!authorization.ok) {
      options.metrics?.events.inc({ type: event.type, outcome: 'dead_letter' });
      options.logger.warn(
        { eventId: event.id, type: event.type, principal: event.authid ?? null },
        authorization.reason,
      );
      return { kind: 'dead_letter', reason: 'unauthorized_principal', error: authorization.reason };
    }
    const log = options.logger.child({
      eventId: event.id,
      type: event.type,
      user: event.subject ?? event.data.user,
    });
    const planned = planEvent(event, options.policy, {
      dryRun: options.dryRun,
      allowIrreversible: options.allowIrreversible,
    });
    const startedAt = clock.now();
    // Effective later: nothing is done now; the event waits in the scheduled-steps topic (scheduling/).
    const dueAt = record.scheduled ? undefined : effectiveDueAt(event, startedAt);
    if (dueAt) {
      const scheduled = buildScheduledResult(planned, {
        source: options.resultSource,
        now: startedAt,
        dueAt,
      });
      options.metrics?.events.inc({ type: event.type, outcome: 'scheduled' });
      log.info({ dueAt: dueAt.toISOString() }, 'event scheduled for its effective time');
      return {
        kind: 'done',
        summary: 'scheduled',
        result: resultRecord(scheduled),
        schedule: [effectiveEntry(planned, record, startedAt, dueAt)],
      };
    }
    const fired = record.scheduled
      ? planForFiring(planned, record.scheduled, options.allowIrreversible)
      : { ok: true as const, plan: planned, resultSuffix: '' };
    if (!fired.ok) return { kind: 'dead_letter', reason: 'invalid_scheduled_entry', error: fired.error };
    const plan = fired.plan;
    const execution = await executePlan(plan, {
      ...(fired.cancel ? { cancel: fired.cancel } : {}),
      zendesk: options.zendesk,
      audit: options.audit,
      protectedUsers: options.protectedUsers,
      brake: options.brake,
      weights: options.policy.blast_radius.weights,
      clock,
      finalAttempt: record.finalAttempt,
      ...(record.stillOwner ? { stillOwner: record.stillOwner } : {}),
    });
    for (const step of execution.steps) {
      if (!step.recalled) options.metrics?.actions.inc({ action: step.action, outcome: step.outcome });
      log.info(
        {
          step: step.index + 1,
          action: step.action,
          outcome: step.outcome,
          ticket: step.audit_ticket_id,
          detail: step.detail ?? step.refusal?.reason ?? step.error?.message,
        },
        'step',
      );
    }
    if (execution.status === 'hold') {
      options.metrics?.events.inc({ type: event.type, outcome: 'held' });
      // The delivery loop says so for the partition (once per reason, then every few minutes: not per record).
      log.debug(
        { reason: execution.reason, retryAfterMs: execution.retryAfterMs },
        'the brake holds this event',
      );
      return { kind: 'hold', reason: execution.reason, delayMs: execution.retryAfterMs };
    }
    if (execution.status === 'retry' && !execution.error.retryable) {
      options.metrics?.events.inc({ type: event.type, outcome: 'dead_letter' });
      log.error({ error: execution.error }, 'the audit trail refused this event for good');
      return { kind: 'dead_letter', reason: execution.error.code, error: execution.error.message };
    }
    if (execution.status === 'retry') {
      options.metrics?.events.inc({ type: event.type, outcome: 'retry' });
      log.warn({ error: execution.error }, 'transient failure');
      return {
        kind: 'retry',
        reason: execution.error.code,
        error: execution.error.message,
        ...(execution.retryAfterMs === undefined ? {} : { delayMs: execution.retryAfterMs }),
      };
    }
    const after = writesAfter(plan, execution, record, startedAt);
    const built = buildResultEvent(plan, execution, {
      source: options.resultSource,
      startedAt,
      finishedAt: clock.now(),
      ...(after.purgeDueAt ? { scheduledFor: after.purgeDueAt } : {}),
    });
    const result = { ...built, id: built.id + fired.resultSuffix };
    options.metrics?.events.inc({ type: event.type, outcome: result.data.status });
    log.info({ status: result.data.status }, 'event done');
    return {
      kind: 'done',
      summary: result.data.status,
      result: resultRecord(result),
      ...(after.writes.length > 0 ? { schedule: after.writes } : {}),
    };
  };
}

const resultRecord = (result: ResultEvent) => ({
  key: result.subject,
  value: JSON.stringify(result),
  headers: { 'content-type': 'application/cloudevents+json' },
});
