import { describe, expect, it } from 'vitest';
import { aUser, anOutcome } from '../testing/outcomes.js';
import { buildAuditTicket, type AuditTicketContext } from './audit-ticket.js';
import { zendeskLinks } from './zendesk-links.js';

const context: AuditTicketContext = {
  requester: { email: 'lifecycle-bot@acme.test' },
  links: zendeskLinks('https://acme.zendesk.com/api/v2'),
  settings: {},
};

describe('the audit ticket', () => {
  it('is solved, private and tagged when the action succeeded', () => {
    const outcome = anOutcome();
    const { body, externalId, idempotencyKey } = buildAuditTicket(outcome, context);
    expect(body.status).toBe('solved');
    expect(body.priority).toBeUndefined();
    expect(body.comment.public).toBe(false);
    expect(body.tags).toEqual([
      'itsm_audit',
      'action_suspend',
      'workflow_access_review',
      'outcome_succeeded',
      `event_digest_${outcome.step.event_digest}`,
      'zl_user_4242',
    ]);
    expect(externalId).toBe(`zendesk-lifecycle:${outcome.step.audit_key}`);
    expect(body.external_id).toBe(externalId);
    expect(idempotencyKey).toBe(`zendesk-lifecycle:audit:${outcome.step.idempotency_key}`);
    expect(body.subject).toBe(
      'Audit: suspend · Jane Doe <jane.doe@acme.test> #4242 · access_review · succeeded',
    );
  });

  it('is solved when the action was already done', () => {
    const { body } = buildAuditTicket(anOutcome({ outcome: 'already_done' }), context);
    expect(body.status).toBe('solved');
    expect(body.tags).toContain('outcome_already_done');
    expect(body.subject).toMatch(/· already done$/);
  });

  it('stays open with high priority when the action failed', () => {
    const outcome = anOutcome({
      outcome: 'failed',
      after: null,
      error: { code: 'zendesk_server_error', message: 'Zendesk answered 503', retryable: true },
    });
    const { body } = buildAuditTicket(outcome, context);
    expect(body).toMatchObject({ status: 'open', priority: 'high' });
    expect(body.comment.body).toContain('Error: zendesk_server_error: Zendesk answered 503');
  });

  it('stays open with high priority when the action was refused, saying which rule refused it', () => {
    const outcome = anOutcome({
      outcome: 'refused',
      after: null,
      refusal: { rule: 'protected_user', reason: 'the account owner is never suspended' },
    });
    const { body } = buildAuditTicket(outcome, context);
    expect(body).toMatchObject({ status: 'open', priority: 'high' });
    expect(body.comment.body).toContain('Refused by rule: protected_user');
    expect(body.comment.body).toContain('Why: the account owner is never suspended');
  });

  it('marks a dry run in tags, subject and comment', () => {
    const { body } = buildAuditTicket(anOutcome({ dry_run: true }), context);
    expect(body.tags).toContain('dry_run');
    expect(body.subject).toMatch(/· dry run$/);
    expect(body.comment.body).toContain('nothing was changed in Zendesk');
  });

  it('applies group, brand, form, assignee, custom fields, priorities and extra tags', () => {
    const settings = {
      groupId: 11,
      brandId: 22,
      ticketFormId: 33,
      assigneeId: 44,
      customFields: [{ id: 55, value: 'lifecycle' }],
      priority: 'low' as const,
      attentionPriority: 'urgent' as const,
      extraTags: ['SOX Evidence', 'itsm_audit'],
    };
    const solved = buildAuditTicket(anOutcome(), { ...context, settings }).body;
    expect(solved).toMatchObject({
      group_id: 11,
      brand_id: 22,
      ticket_form_id: 33,
      assignee_id: 44,
      custom_fields: [{ id: 55, value: 'lifecycle' }],
      priority: 'low',
    });
    expect(solved.tags.slice(-1)).toEqual(['sox_evidence']);
    const failed = buildAuditTicket(anOutcome({ outcome: 'failed' }), { ...context, settings }).body;
    expect(failed.priority).toBe('urgent');
  });

  it('names the service identity as requester, never the user', () => {
    expect(buildAuditTicket(anOutcome(), context).body.requester).toEqual({
      email: 'lifecycle-bot@acme.test',
      name: 'Zendesk lifecycle audit',
    });
    const byId = buildAuditTicket(anOutcome(), { ...context, requester: { id: 7 } }).body;
    expect(byId.requester_id).toBe(7);
    expect(byId.requester).toBeUndefined();
    const apiUser = buildAuditTicket(anOutcome(), { ...context, requester: 'api_user' }).body;
    expect(apiUser).not.toHaveProperty('requester');
    expect(apiUser).not.toHaveProperty('requester_id');
  });

  it('is the same for a redelivered step with new timings', () => {
    const outcome = anOutcome();
    const again = { ...outcome, started_at: '2026-11-21T00:00:00Z', finished_at: '2026-11-21T00:00:05Z' };
    expect(buildAuditTicket(again, context)).toEqual(buildAuditTicket(outcome, context));
  });

  it('gives each step of one event its own external id', () => {
    const first = anOutcome();
    const second = anOutcome({
      event: first.event,
      step: {
        ...first.step,
        index: 1,
        count: 2,
        action: 'deprovision',
        idempotency_key: `${first.event.id}:1`,
        audit_key: `${first.event.id}:1:deprovision`,
      },
    });
    expect(buildAuditTicket(first, context).externalId).not.toBe(
      buildAuditTicket(second, context).externalId,
    );
  });
});

describe('real-account rules', () => {
  it('assigns solved tickets to the service identity, since Zendesk needs an assignee to solve', () => {
    const withService = { ...context, serviceAssigneeId: 1003 };
    expect(buildAuditTicket(anOutcome(), withService).body).toMatchObject({
      status: 'solved',
      assignee_id: 1003,
    });
    const failed = anOutcome({
      outcome: 'failed',
      error: { code: 'zendesk_server_error', message: 'y', retryable: false },
    });
    expect(buildAuditTicket(failed, withService).body.assignee_id).toBeUndefined();
    const configured = { ...withService, settings: { assigneeId: 55 } };
    expect(buildAuditTicket(anOutcome(), configured).body.assignee_id).toBe(55);
    expect(buildAuditTicket(failed, configured).body.assignee_id).toBe(55);
  });

  it('says why Zendesk refused a deletion and what to do, and where the open tickets went', () => {
    const outcome = anOutcome({
      outcome: 'refused',
      step: {
        ...anOutcome().step,
        index: 3,
        count: 4,
        action: 'deprovision',
        idempotency_key: 'evt-1:3',
        audit_key: 'evt-1:3:deprovision',
      },
      refusal: {
        rule: 'zendesk_refused_delete',
        reason:
          'Zendesk refuses to delete Jane Doe (4242): "User is requester on 3 tickets that are not closed". Give ' +
          'those tickets another requester (an offboarding event with transfer_to, or the transfer_data action) ' +
          'or close them, then send the event again.',
      },
      reassignment: { to: { group_id: 360001 }, moved: [601, 602], failed: [] },
    });
    const { body } = buildAuditTicket(outcome, context);
    expect(body).toMatchObject({ status: 'open', priority: 'high' });
    expect(body.comment.body).toContain('Refused by rule: zendesk_refused_delete');
    expect(body.comment.body).toMatch(
      /requester on 3 tickets that are not closed[\s\S]*transfer_to[\s\S]*close them/,
    );
    expect(body.comment.body).toContain('Open assigned tickets reassigned to group: 360001');
    expect(body.comment.html_body).toContain('<a href="https://acme.zendesk.com/agent/tickets/601">#601</a>');
  });
});

describe('the private comment', () => {
  const outcome = anOutcome({
    workflow: 'license_management',
    workflow_variant: 'inactivity',
    step: {
      ...anOutcome().step,
      index: 1,
      count: 2,
      action: 'downgrade',
      idempotency_key: 'evt-1:1',
      audit_key: 'evt-1:1:downgrade',
    },
    before: aUser({ role_type: 1 }),
    after: aUser({ role: 'end-user', role_type: null }),
    request_ids: ['req-1', 'req-2'],
    assigned_ticket_ids: [901],
    transfer: { destination_id: 77, moved: [501, 502], skipped: [{ id: 503, reason: 'closed' }], failed: [] },
  });
  const { body } = buildAuditTicket(outcome, context);

  it('tells the event, the workflow, the step and the user', () => {
    const text = body.comment.body;
    for (const line of [
      'Event id: evt-',
      'Type: lifecycle.access_revoked.v1',
      'Source system: urn:idp:okta',
      'Time: 2026-11-20T09:30:00Z',
      'Requested by: security-team@acme.test',
      'Reason: quarterly access review',
      'Workflow: license_management (variant: inactivity)',
      'Action: downgrade',
      'Step: 2 of 2',
      'Id: 4242 (https://acme.zendesk.com/agent/users/4242)',
      'Name: Jane Doe',
      'Email: jane.doe@acme.test',
      'Request ids: req-1, req-2',
    ]) {
      expect(text).toContain(line);
    }
  });

  it('names the principal that sent the event, or the direct Kafka publisher', () => {
    const sent = (principal: { authtype: string; authid: string } | null) =>
      buildAuditTicket(anOutcome({ event: { ...anOutcome().event, principal } }), context).body.comment.body;
    expect(sent({ authtype: 'service_account', authid: 'workday' })).toContain(
      'Sent by: principal workday (service_account)',
    );
    expect(sent(null)).toContain('Sent by: a direct Kafka publisher (no authcontext)');
    expect(body.comment.body).not.toContain('Sent by');
  });

  it('names plain agents, light agents and custom roles', () => {
    const custom = aUser({ role_type: 0, custom_role_id: 360007 });
    const plain = aUser({ role_type: 0 });
    const ticket = buildAuditTicket(anOutcome({ before: custom, after: plain }), context).body;
    expect(ticket.comment.body).toMatch(/Role\s+agent \(custom role 360007\)\s+agent\n/);
  });

  it('shows the Zendesk state before and after', () => {
    expect(body.comment.body).toMatch(/Role\s+agent \(light agent\)\s+end-user/);
    expect(body.comment.body).toMatch(/Suspended\s+no\s+no/);
    expect(body.comment.body).toMatch(/Active\s+yes\s+yes/);
  });

  it('links the user and the related tickets in the account they live in', () => {
    const html = body.comment.html_body;
    expect(html).toContain('<a href="https://acme.zendesk.com/agent/users/4242">4242</a>');
    expect(html).toContain('<a href="https://acme.zendesk.com/agent/users/77">77</a>');
    expect(html).toContain('<a href="https://acme.zendesk.com/agent/tickets/501">#501</a>');
    expect(html).toContain('<a href="https://acme.zendesk.com/agent/tickets/503">#503 (closed)</a>');
    expect(body.comment.body).toContain(
      'Still assigned to the user: #901 (https://acme.zendesk.com/agent/tickets/901)',
    );
  });

  it('says when the user was not found, and how the event named them', () => {
    const missing = anOutcome({
      user: null,
      before: null,
      after: null,
      user_ref: { id: 99, email: 'x@acme.test' },
    });
    const ticket = buildAuditTicket(missing, context).body;
    expect(ticket.comment.body).toContain('Found in Zendesk: no');
    expect(ticket.comment.body).toContain('Named by the event as: id 99, email x@acme.test');
    expect(ticket.subject).toContain('x@acme.test (not found)');
  });

  it('caps long ticket lists', () => {
    const many = Array.from({ length: 250 }, (_, i) => 1000 + i);
    const ticket = buildAuditTicket(anOutcome({ assigned_ticket_ids: many }), context).body;
    expect(ticket.comment.body).toContain('and 150 more');
  });
});
