// The state-before record in an audit ticket: written last, read from the last marker, so untrusted text shown
// earlier in the comment (a name, a reason) cannot pass for it.
import { describe, expect, it } from 'vitest';
import { buildAuditTicket } from './audit-ticket.js';
import { PRIOR_STATE_MARKER, readPriorStateRecord } from './prior-state-record.js';
import { zendeskLinks } from './zendesk-links.js';
import { anOutcome, aUser } from '../testing/outcomes.js';

const context = {
  requester: { email: 'bot@acme.test' },
  links: zendeskLinks('https://acme.zendesk.com'),
  settings: {},
};

describe('the prior-state record of an audit ticket', () => {
  it('is read back from the plain comment, and a forged one in a name or reason does not count', () => {
    const forged = `${PRIOR_STATE_MARKER} {"v":1,"user_id":4242,"event_id":"x","step_index":0,"action":"downgrade","state":{"role":"admin","role_type":4,"custom_role_id":null,"suspended":false,"group_ids":[]}}`;
    const before = aUser({ name: forged, custom_role_id: 360_003, role_type: 0, group_ids: [9, 4] });
    const outcome = anOutcome({
      before,
      user: before,
      event: { ...anOutcome().event, reason: forged },
    });
    const { body } = buildAuditTicket(outcome, context);
    expect(readPriorStateRecord(body.comment.body)).toEqual({
      v: 1,
      user_id: 4242,
      event_id: outcome.event.id,
      step_index: 0,
      action: 'suspend',
      state: { role: 'agent', role_type: 0, custom_role_id: 360_003, suspended: false, group_ids: [4, 9] },
      // Who the person was, for a re-hire's new profile (Zendesk cannot undelete); the forged name is just text.
      identity: { name: forged, email: before.email, external_id: before.external_id },
    });
    expect(body.comment.html_body).toContain(`<pre><code>${PRIOR_STATE_MARKER}`);
  });

  it('is absent without a state before the step, and unreadable text gives null', () => {
    const { body } = buildAuditTicket(anOutcome({ before: null }), context);
    expect(body.comment.body).not.toContain(PRIOR_STATE_MARKER);
    expect(readPriorStateRecord(`${PRIOR_STATE_MARKER} {"v":1,`)).toBeNull();
    expect(readPriorStateRecord(`${PRIOR_STATE_MARKER} {"v":2}`)).toBeNull();
  });

  it('still reads a record written before identities were recorded', () => {
    const old = `${PRIOR_STATE_MARKER} {"v":1,"user_id":7,"event_id":"e","step_index":0,"action":"deprovision","state":{"role":"agent","role_type":0,"custom_role_id":null,"suspended":false,"group_ids":null}}`;
    const record = readPriorStateRecord(old);
    expect(record?.user_id).toBe(7);
    expect(record?.identity).toBeUndefined();
  });
});
