// Step outcomes for tests: a realistic succeeded suspend, and helpers for the other outcome kinds.
import { sha256Hex, type StepOutcome, type UserSnapshot } from '@zendesk-lifecycle/core';

export function aUser(overrides: Partial<UserSnapshot> = {}): UserSnapshot {
  return {
    id: 4242,
    name: 'Jane Doe',
    email: 'jane.doe@acme.test',
    external_id: 'hr-1042',
    role: 'agent',
    role_type: null,
    custom_role_id: null,
    suspended: false,
    active: true,
    last_login_at: '2026-10-01T08:00:00Z',
    ...overrides,
  };
}

let eventCounter = 0;

/** A fresh event id, so that tests sharing a sandbox never share a step key. */
export function freshEventId(): string {
  eventCounter += 1;
  return `evt-${process.pid}-${Date.now()}-${eventCounter}`;
}

/** A succeeded suspend in an access review; override anything. */
export function anOutcome(overrides: Partial<StepOutcome> = {}): StepOutcome {
  const eventId = overrides.event?.id ?? freshEventId();
  const user = aUser();
  return {
    event: {
      id: eventId,
      type: 'lifecycle.access_revoked.v1',
      source: 'urn:idp:okta',
      time: '2026-11-20T09:30:00Z',
      subject: 'jane.doe@acme.test',
      reason: 'quarterly access review',
      requested_by: 'security-team@acme.test',
    },
    workflow: 'access_review',
    workflow_variant: null,
    step: {
      index: 0,
      count: 1,
      action: 'suspend',
      idempotency_key: `${eventId}:step`,
      audit_key: `${eventId}:0:suspend`,
      event_digest: sha256Hex(eventId),
    },
    user,
    user_ref: { email: 'jane.doe@acme.test' },
    outcome: 'succeeded',
    dry_run: false,
    before: user,
    after: { ...user, suspended: true },
    request_ids: ['req-aaa-111'],
    started_at: '2026-11-20T09:30:01Z',
    finished_at: '2026-11-20T09:30:02Z',
    ...overrides,
  };
}

/** The same step delivered again: same keys, new timings and request ids, as a re-run would produce. */
export function redelivered(outcome: StepOutcome, attempt: number): StepOutcome {
  return {
    ...outcome,
    outcome: outcome.outcome === 'succeeded' ? 'already_done' : outcome.outcome,
    request_ids: [`req-retry-${attempt}`],
    started_at: `2026-11-20T10:0${attempt % 10}:00Z`,
    finished_at: `2026-11-20T10:0${attempt % 10}:01Z`,
  };
}
