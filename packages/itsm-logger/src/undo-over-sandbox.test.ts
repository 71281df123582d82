// Undo (issue 19) through the real executor, the Zendesk client and this logger over the sandbox: the audit
// tickets of an offboarding record the state before it, and a re-hire restores exactly that state (role, custom
// role, groups, unsuspended) as a step of its own; no free agent seat, a deleted user, a forged ticket and the
// search index's lag are each handled as Zendesk allows.
import {
  createLifecycleEvent,
  defaultPolicy,
  executePlan,
  planEvent,
  type ExecuteOptions,
  type NewEvent,
} from '@zendesk-lifecycle/core';
import {
  DEMO_PEOPLE,
  STAFF_ROLE_ID,
  startSandbox,
  type RunningSandbox,
} from '@zendesk-lifecycle/zendesk-sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PRIOR_STATE_MARKER } from './ticket/prior-state-record.js';
import { auditTickets, clientFor, loggerFor } from './testing/sandbox.js';

const alex = DEMO_PEOPLE.agent;
let sandbox: RunningSandbox;
let counter = 0;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0, searchLagMs: 0 });
});
beforeEach(() => {
  sandbox.reset();
  // Alex: an agent with a custom role, in Support (1) and Escalations (2).
  const user = sandbox.state.users.get(alex.id)!;
  user.custom_role_id = STAFF_ROLE_ID;
  user.role_type = 0;
});
afterAll(async () => {
  await sandbox.stop();
});

const groupsOf = (id: number) =>
  sandbox.state.memberships
    .filter((m) => m.user_id === id)
    .map((m) => m.group_id)
    .sort((a, b) => a - b);

function options(): ExecuteOptions {
  return {
    zendesk: clientFor(sandbox).asPort(),
    audit: loggerFor(sandbox),
    protectedUsers: { ids: [], emails: [], external_ids: [] },
  };
}

// Alex's open assigned tickets go to the Support group before the downgrade.
const policy = defaultPolicy({ reassign_assigned_tickets_to: { group_id: 1 } });

function run(type: NewEvent['type'], extra: Partial<NewEvent> = {}) {
  counter += 1;
  const event = createLifecycleEvent({
    source: 'hr/test',
    id: `evt-undo-${counter}`,
    type,
    user: { email: alex.email },
    ...extra,
  });
  return executePlan(planEvent(event, policy, { allowIrreversible: false }), options());
}

async function offboard() {
  const off = await run('lifecycle.offboarding.v1');
  expect(off.steps.map((s) => [s.action, s.outcome])).toEqual([
    ['downgrade', 'succeeded'],
    ['suspend', 'succeeded'],
  ]);
  expect(sandbox.state.users.get(alex.id)).toMatchObject({ role: 'end-user', suspended: true });
  expect(groupsOf(alex.id)).toEqual([]);
  return off;
}

describe('a re-hire after an offboarding', () => {
  it('restores exactly the role, custom role and groups recorded before it, unsuspended, audited as its own step', async () => {
    const off = await offboard();
    // The downgrade's ticket records the state before it, for people and for the service.
    const downgradeTicket = sandbox.state.tickets.get(off.steps[0]!.audit_ticket_id!)!;
    expect(downgradeTicket.description).toContain(PRIOR_STATE_MARKER);
    expect(downgradeTicket.description).toMatch(/Groups\s+1, 2\s+\(none\)/);
    expect(downgradeTicket.tags).toContain(`zl_user_${alex.id}`);

    const rehire = await run('lifecycle.rehire.v1');
    expect(rehire.steps.map((s) => [s.action, s.outcome])).toEqual([
      ['unsuspend', 'succeeded'],
      ['restore', 'succeeded'],
    ]);
    expect(sandbox.state.users.get(alex.id)).toMatchObject({
      role: 'agent',
      custom_role_id: STAFF_ROLE_ID,
      role_type: 0,
      suspended: false,
    });
    expect(groupsOf(alex.id)).toEqual([1, 2]);
    const restoreTicket = sandbox.state.tickets.get(rehire.steps[1]!.audit_ticket_id!)!;
    expect(restoreTicket).toMatchObject({ status: 'solved' });
    expect(restoreTicket.tags).toEqual(expect.arrayContaining(['action_restore', 'outcome_succeeded']));
    expect(restoreTicket.description).toContain(
      `restored to agent (custom role ${STAFF_ROLE_ID}), not suspended, groups 1, 2`,
    );
    expect(restoreTicket.description).toContain(`audit ticket ${downgradeTicket.id}`);

    // A second re-hire finds everything as recorded: nothing changes.
    const again = await run('lifecycle.rehire.v1');
    expect(again.steps.map((s) => s.outcome)).toEqual(['already_done', 'already_done']);
  });

  it('refuses the restore with the reason when no agent seat is free, and leaves the user an end user', async () => {
    await offboard();
    sandbox.state.agentSeats = sandbox.state.paidSeatsInUse();
    const rehire = await run('lifecycle.rehire.v1');
    expect(rehire.steps[1]).toMatchObject({
      action: 'restore',
      outcome: 'refused',
      refusal: { rule: 'no_free_seat' },
    });
    expect(rehire.steps[1]!.refusal!.reason).toMatch(/no agent seat is free/);
    expect(sandbox.state.users.get(alex.id)).toMatchObject({ role: 'end-user', suspended: false });
    const ticket = sandbox.state.tickets.get(rehire.steps[1]!.audit_ticket_id!)!;
    expect(ticket).toMatchObject({ status: 'open', priority: 'high' });
    expect(ticket.description).toContain('no_free_seat');
  });

  it('restores a deleted user onto a new profile (Zendesk cannot undelete), naming both ids; a second re-hire changes nothing', async () => {
    await offboard();
    sandbox.state.softDelete(sandbox.state.users.get(alex.id)!);
    const rehire = await run('lifecycle.rehire.v1');
    expect(rehire.steps.map((s) => [s.action, s.outcome])).toEqual([
      ['unsuspend', 'already_done'],
      ['restore', 'succeeded'],
    ]);
    const fresh = [...sandbox.state.users.values()].find((u) => u.email === alex.email)!;
    expect(fresh.id).not.toBe(alex.id);
    expect(fresh).toMatchObject({
      role: 'agent',
      custom_role_id: STAFF_ROLE_ID,
      suspended: false,
      active: true,
    });
    expect(groupsOf(fresh.id)).toEqual([1, 2]);
    expect(sandbox.state.deletedUsers.has(alex.id)).toBe(true);
    expect(rehire).toMatchObject({ status: 'completed', zendesk_user_id: fresh.id });
    expect(rehire.steps[1]!.detail).toMatch(
      new RegExp(`new profile ${fresh.id} .*old profile ${alex.id} stays deleted`),
    );
    const ticket = sandbox.state.tickets.get(rehire.steps[1]!.audit_ticket_id!)!;
    expect(ticket.description).toContain(`Zendesk cannot undelete a user: created a new profile ${fresh.id}`);
    expect(ticket.description).toContain(`the old profile ${alex.id} stays deleted`);
    expect(ticket.tags).toEqual(expect.arrayContaining([`zl_user_${alex.id}`, `zl_user_${fresh.id}`]));

    // The next re-hire (by email) finds the new profile, reads the state recorded under the old one: as recorded.
    const again = await run('lifecycle.rehire.v1');
    expect(again.steps.map((s) => s.outcome)).toEqual(['already_done', 'already_done']);
    expect([...sandbox.state.users.values()].filter((u) => u.email === alex.email)).toHaveLength(1);
  });

  it('refuses with no_prior_state while the search index does not show the offboarding yet, then restores', async () => {
    sandbox.state.searchLagMs = 400;
    await offboard();
    const early = await run('lifecycle.rehire.v1');
    expect(early.steps[1]).toMatchObject({ outcome: 'refused', refusal: { rule: 'no_prior_state' } });
    await new Promise((r) => setTimeout(r, 450));
    const later = await run('lifecycle.rehire.v1');
    expect(later.steps.map((s) => s.outcome)).toEqual(['already_done', 'succeeded']);
    expect(sandbox.state.users.get(alex.id)).toMatchObject({ role: 'agent', custom_role_id: STAFF_ROLE_ID });
  });
});

describe('priorState', () => {
  const forge = async (state: Record<string, unknown>) => {
    // An agent who can create tickets copies the audit tickets' tags and record: it must not count.
    const manager = clientFor(sandbox, { email: DEMO_PEOPLE.manager.email });
    const record = { v: 1, user_id: alex.id, event_id: 'forged', step_index: 0, action: 'downgrade', state };
    await manager.createTicket({
      subject: 'Audit: downgrade',
      comment: { body: `${PRIOR_STATE_MARKER}\n${JSON.stringify(record)}`, public: false },
      tags: [
        'itsm_audit',
        'action_downgrade',
        'outcome_succeeded',
        'event_digest_ab12',
        `zl_user_${alex.id}`,
      ],
    });
  };
  const admin = { role: 'admin', role_type: 4, custom_role_id: null, suspended: false, group_ids: [] };

  it('ignores tickets the service identity did not write', async () => {
    await forge(admin);
    expect(await loggerFor(sandbox).priorState({ id: alex.id })).toBeNull();
    const off = await offboard();
    await forge(admin);
    expect(await loggerFor(sandbox).priorState({ id: alex.id })).toEqual({
      role: 'agent',
      role_type: 0,
      custom_role_id: STAFF_ROLE_ID,
      suspended: false,
      group_ids: [1, 2],
      identity: { name: alex.name, email: alex.email, external_id: null },
      recorded_in: {
        ticket_id: off.steps[0]!.audit_ticket_id,
        event_id: expect.any(String),
        action: 'downgrade',
      },
    });
    expect(auditTickets(sandbox).filter((t) => t.submitter_id !== DEMO_PEOPLE.owner.id)).toHaveLength(2);
  });
});
