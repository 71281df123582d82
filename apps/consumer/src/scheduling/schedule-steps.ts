// The pipeline's side of scheduling, pure: whether an event waits for its effective time, which plan a fired
// entry runs (the event itself, a purge, or a cancellation), and what to write to the scheduled-steps topic with
// a record's result (an effective-time entry, the purge entry after a soft delete, a re-hire's cancel marker).
import {
  deferredPurgeOf,
  purgePlanOf,
  userKey,
  type Execution,
  type LifecycleEvent,
  type Plan,
  type UserRef,
} from '@zendesk-lifecycle/core';
import type { RecordInput } from '../pipeline/contract.js';
import {
  cancelMarkerId,
  effectiveEntryId,
  purgeEntryId,
  type CancelMarker,
  type EntryKind,
  type ScheduledEntry,
  type ScheduleWrite,
} from './entries.js';
import type { ScheduledFiring } from './firing.js';

const DAY_MS = 86_400_000;

/** When the event takes effect, if that is still ahead of `now`. */
export function effectiveDueAt(event: LifecycleEvent, now: Date): Date | undefined {
  const at = event.data.effective_at;
  if (!at) return undefined;
  const due = new Date(at);
  return due.getTime() > now.getTime() ? due : undefined;
}

const decoder = new TextDecoder();

function headerStrings(headers: RecordInput['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    // Our own delivery headers (retries, dead letters, a former firing) are not part of the event.
    if (first === undefined || /^(retry|dlq|scheduled)-/.test(name)) continue;
    out[name] = typeof first === 'string' ? first : decoder.decode(first);
  }
  return out;
}

function entryOf(
  kind: EntryKind,
  plan: Plan,
  record: RecordInput,
  times: { now: Date; dueAt: Date },
  zendeskId: number | null,
  reason: string,
): ScheduledEntry {
  const { event } = plan;
  const value =
    record.value === null
      ? ''
      : typeof record.value === 'string'
        ? record.value
        : decoder.decode(record.value);
  return {
    kind,
    due_at: times.dueAt.toISOString(),
    created_at: times.now.toISOString(),
    // Filed under the Zendesk id once known (a purge): a re-hire that names the user another way still finds it.
    user: {
      key: zendeskId === null ? userKey(plan.user) : `id:${zendeskId}`,
      ref: plan.user,
      zendesk_id: zendeskId,
    },
    event: {
      id: event.id,
      source: event.source,
      type: event.type,
      key: record.key ?? null,
      value,
      headers: headerStrings(record.headers),
    },
    reason,
  };
}

/** The entry that makes an event wait for its effective time. */
export function effectiveEntry(plan: Plan, record: RecordInput, now: Date, dueAt: Date): ScheduleWrite {
  const entry = entryOf(
    'effective',
    plan,
    record,
    { now, dueAt },
    plan.user.id ?? null,
    `effective at ${plan.event.data.effective_at}`,
  );
  return { key: effectiveEntryId(plan.event_digest), userKey: entry.user.key, value: JSON.stringify(entry) };
}

export type FiredPlan =
  { ok: true; plan: Plan; cancel?: { reason: string }; resultSuffix: string } | { ok: false; error: string };

/** The plan a fired entry runs: the event (effective), its purge step, or either cancelled. */
export function planForFiring(plan: Plan, firing: ScheduledFiring, allowIrreversible: boolean): FiredPlan {
  const cancel =
    firing.phase === 'cancel'
      ? { reason: firing.reason ?? 'cancelled by a later re-hire of the user' }
      : undefined;
  if (firing.kind === 'effective') {
    return { ok: true, plan, ...(cancel ? { cancel } : {}), resultSuffix: cancel ? ':cancelled' : '' };
  }
  const purge = purgePlanOf(plan, { zendeskUserId: firing.zendeskUserId, allowIrreversible });
  if (!purge)
    return { ok: false, error: `entry ${firing.entryId}: the event has no deprovision step to purge after` };
  return {
    ok: true,
    plan: purge,
    ...(cancel ? { cancel } : {}),
    resultSuffix: cancel ? ':purge:cancelled' : ':purge',
  };
}

/** A grace period for people: "7 days", or for a fraction of a day the time it stands for ("0.5 days (12 h)"). */
export function graceText(days: number): string {
  if (Number.isInteger(days)) return `${days} days`;
  const seconds = Math.round(days * 86_400);
  const exact =
    seconds % 3600 === 0
      ? `${seconds / 3600} h`
      : seconds % 60 === 0
        ? `${seconds / 60} min`
        : `${seconds} s`;
  return `${days} days (${exact})`;
}

export interface WritesAfter {
  writes: ScheduleWrite[];
  /** When the purge of a soft delete with a grace period is due. */
  purgeDueAt?: Date;
}

/**
 * Every key a waiting entry of this user may be filed under: each way the re-hire names the user, the Zendesk id it
 * resolved to (purge entries are filed under that id), and that user's email and external id in Zendesk. An
 * offboarding by email and a re-hire by employee id then still meet, as long as the re-hire was matched to the same
 * Zendesk user.
 */
export function rehireKeys(
  ref: UserRef,
  zendeskId: number | null,
  profiles: ReadonlyArray<{ id: number; email: string | null; external_id: string | null }> = [],
): string[] {
  const keys = [userKey(ref)];
  if (ref.id !== undefined) keys.push(userKey({ id: ref.id }));
  if (ref.external_id !== undefined) keys.push(userKey({ external_id: ref.external_id }));
  if (ref.email !== undefined) keys.push(userKey({ email: ref.email }));
  if (zendeskId !== null) keys.push(userKey({ id: zendeskId }));
  // Every profile the re-hire met, however Zendesk names it: the soft-deleted one whose purge waits (filed under its
  // id) as well as a new one, and their emails and external ids (an effective-dated step waits under the name the
  // earlier event used).
  for (const profile of profiles) {
    keys.push(userKey({ id: profile.id }));
    if (profile.external_id) keys.push(userKey({ external_id: profile.external_id }));
    if (profile.email) keys.push(userKey({ email: profile.email }));
  }
  return [...new Set(keys)];
}

/**
 * What an executed plan leaves in the scheduled topic: the purge entry of a deprovision that soft-deleted with a
 * grace period (also when recalled: a crash after the soft delete must not lose its purge; an entry written
 * twice is one entry, and a purge fired twice is recalled by its key), and a re-hire's cancel marker.
 */
export function writesAfter(
  plan: Plan,
  execution: Extract<Execution, { status: 'completed' }>,
  record: RecordInput,
  now: Date,
): WritesAfter {
  const writes: ScheduleWrite[] = [];
  let purgeDueAt: Date | undefined;
  const deprovision = deferredPurgeOf(plan);
  const report = deprovision && execution.steps.find((s) => s.index === deprovision.index);
  if (
    deprovision &&
    report &&
    (report.outcome === 'succeeded' || report.outcome === 'already_done') &&
    deprovision.purge_after_days !== undefined
  ) {
    // Whole milliseconds: the policy allows fractions of a day (0.5 is 12 hours).
    purgeDueAt = new Date(now.getTime() + Math.round(deprovision.purge_after_days * DAY_MS));
    const entry = entryOf(
      'purge',
      plan,
      record,
      { now, dueAt: purgeDueAt },
      execution.zendesk_user_id,
      `permanent delete ${graceText(deprovision.purge_after_days)} after the soft delete`,
    );
    writes.push({
      key: purgeEntryId(deprovision.idempotency_key),
      userKey: entry.user.key,
      value: JSON.stringify(entry),
    });
  }
  if (plan.type === 'lifecycle.rehire.v1' && !plan.dry_run) {
    const marker: CancelMarker = {
      by_event_id: plan.event.id,
      at: now.toISOString(),
      reason: plan.event.data.reason ?? 're-hired',
    };
    for (const key of rehireKeys(plan.user, execution.zendesk_user_id, execution.zendesk_profiles))
      writes.push({ key: cancelMarkerId(key), userKey: key, value: JSON.stringify(marker) });
  }
  return { writes, ...(purgeDueAt ? { purgeDueAt } : {}) };
}
