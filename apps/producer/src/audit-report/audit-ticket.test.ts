// The parser reads what packages/itsm-logger writes: tickets built by the logger's own preview, not by hand.
import { sha256Hex, type StepOutcome, type UserSnapshot } from '@zendesk-lifecycle/core';
import { createItsmLogger } from '@zendesk-lifecycle/itsm-logger';
import { createZendeskClient } from '@zendesk-lifecycle/zendesk-client';
import { describe, expect, it } from 'vitest';
import { readAuditTicket, readFacts } from './audit-ticket.js';

const jane: UserSnapshot = {
  id: 4242,
  name: 'Jane: Doe',
  email: 'jane.doe@acme.test',
  external_id: 'hr-1042',
  role: 'agent',
  role_type: null,
  custom_role_id: null,
  suspended: false,
  active: true,
  last_login_at: '2026-10-01T08:00:00Z',
};

function outcome(overrides: Partial<StepOutcome> = {}): StepOutcome {
  return {
    event: {
      id: 'evt-7',
      type: 'lifecycle.offboarding.v1',
      source: 'urn:hr:workday',
      time: '2026-11-20T09:30:00Z',
      subject: 'jane.doe@acme.test',
      reason: 'left the company\nSource system: forged',
      requested_by: 'hr-ops@acme.test',
      principal: { authtype: 'app_user', authid: 'workday-bridge' },
    },
    workflow: 'offboarding',
    workflow_variant: null,
    step: {
      index: 1,
      count: 3,
      action: 'downgrade',
      idempotency_key: 'zl-abc-1-downgrade',
      audit_key: 'zl-def-1-downgrade',
      event_digest: sha256Hex('evt-7'),
    },
    user: jane,
    user_ref: { email: 'jane.doe@acme.test' },
    outcome: 'succeeded',
    dry_run: false,
    before: jane,
    after: { ...jane, role: 'end-user' },
    request_ids: ['req-1'],
    started_at: '2026-11-20T09:31:00Z',
    finished_at: '2026-11-20T09:31:01Z',
    ...overrides,
  };
}

const logger = createItsmLogger({
  zendesk: createZendeskClient({ baseUrl: 'https://acme.zendesk.test', email: 'a@b.test', apiToken: 't' }),
  requester: { email: 'lifecycle-bot@acme.test' },
});

function asSearchResult(o: StepOutcome, id = 501) {
  const { body } = logger.preview(o);
  return {
    id,
    external_id: body.external_id,
    status: body.status,
    tags: body.tags,
    description: body.comment.body,
    created_at: '2026-11-20T09:31:02Z',
    updated_at: '2026-11-20T09:31:02Z',
    submitter_id: 9,
  };
}

describe('readAuditTicket', () => {
  it('reads the event, the step, the person and who asked from a ticket the logger wrote', () => {
    const read = readAuditTicket(asSearchResult(outcome()))!;
    expect(read).toMatchObject({
      ticket_id: 501,
      action: 'downgrade',
      workflow: 'offboarding',
      outcome: 'succeeded',
      dry_run: false,
      user_id: 4242,
      event_digest: sha256Hex('evt-7'),
      event: {
        id: 'evt-7',
        type: 'lifecycle.offboarding.v1',
        source: 'urn:hr:workday',
        time: '2026-11-20T09:30:00Z',
        requested_by: 'hr-ops@acme.test',
        principal: { authid: 'workday-bridge', authtype: 'app_user' },
      },
      step: { index: 1, count: 3, key: 'zl-abc-1-downgrade' },
      user: { name: 'Jane: Doe', email: 'jane.doe@acme.test' },
      refusal: null,
      error: null,
      submitter_id: 9,
    });
    // A newline in a reason is flattened by the logger: it cannot forge the source system.
    expect(read.event.reason).toContain('left the company');
    expect(read.event.source).toBe('urn:hr:workday');
  });

  it('reads a refusal and an error, and a direct Kafka publisher as no principal', () => {
    const refused = readAuditTicket(
      asSearchResult(
        outcome({
          outcome: 'refused',
          refusal: { rule: 'protected_user', reason: 'the user is on the protected list' },
          event: { ...outcome().event, principal: null },
          after: jane,
        }),
      ),
    )!;
    expect(refused.outcome).toBe('refused');
    expect(refused.refusal).toEqual({ rule: 'protected_user', reason: 'the user is on the protected list' });
    expect(refused.event.principal).toBeNull();
    const failed = readAuditTicket(
      asSearchResult(
        outcome({
          outcome: 'failed',
          error: {
            code: 'zendesk_server_error',
            message: 'Zendesk answered 503: try later',
            retryable: true,
          },
          after: jane,
        }),
      ),
    )!;
    expect(failed.error).toEqual({
      code: 'zendesk_server_error',
      message: 'Zendesk answered 503: try later',
    });
  });

  it('takes anything that is not a step audit ticket for nothing', () => {
    expect(readAuditTicket({ id: 1, tags: ['other'], description: 'EVENT\n  Event id: x' })).toBeNull();
    expect(
      readAuditTicket({ id: 2, tags: ['itsm_audit', 'notice_brake'], description: 'The brake tripped.' }),
    ).toBeNull();
  });

  it('reads facts per block, the first of a label winning', () => {
    const facts = readFacts(
      'Summary line.\n\nEVENT\n  Event id: a\n  Event id: b\n  Reason: x: y\n\nUSER\n  Id: 7 (https://x/agent/users/7)',
    );
    expect(facts.get('EVENT')!.get('Event id')).toBe('a');
    expect(facts.get('EVENT')!.get('Reason')).toBe('x: y');
    expect(facts.get('USER')!.get('Id')).toBe('7 (https://x/agent/users/7)');
  });
});
