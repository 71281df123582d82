// The acceptance scenario of issue 15 against the sandbox, through core's planner and executor: an offboarding
// reclaims the leaver's seat in the order Zendesk needs (docs/zendesk-rules.md §2-§5): every requested ticket that is not closed
// moves, every open assigned ticket is reassigned on purpose before the downgrade (none may end on the API
// user, as Zendesk would do, S7), then the downgrade frees the seat and the suspension blocks sign-in.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createLifecycleEvent,
  defaultPolicy,
  executePlan,
  planEvent,
  type AuditPort,
  type Policy,
  type StepOutcome,
} from '@zendesk-lifecycle/core';
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { createZendeskClient, type ZendeskClient } from './index.js';

/** An audit trail in memory: this package cannot use the ITSM logger, and the scenario is about Zendesk. */
class Outcomes implements AuditPort {
  readonly recorded: StepOutcome[] = [];
  async record(outcome: StepOutcome) {
    this.recorded.push(outcome);
    return { ticket_id: this.recorded.length, created: true };
  }
}

let sandbox: RunningSandbox;
let client: ZendeskClient;
let apiUserId: number;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 2 });
  client = createZendeskClient({
    baseUrl: sandbox.url,
    email: sandbox.credentials.email,
    apiToken: sandbox.credentials.token,
    accountOwnerId: DEMO_PEOPLE.owner.id,
  });
  apiUserId = sandbox.state.findUserByEmail(sandbox.credentials.email)!.id;
});
afterAll(async () => {
  await sandbox.stop();
});
beforeEach(() => sandbox.reset('demo'));

/** A leaver requesting 250 tickets (30 closed) and assigned 120 open ones, as the acceptance asks. */
function seedLeaver() {
  const leaver = sandbox.state.addUser({
    name: 'Lars Leaver',
    email: 'lars@acme.test',
    role: 'agent',
    external_id: 'HR-LARS',
  });
  for (let i = 0; i < 250; i++) {
    sandbox.state.addTicket({
      subject: `requested ${i}`,
      requester_id: leaver.id,
      status: i < 30 ? 'closed' : (['new', 'open', 'pending', 'hold', 'solved'] as const)[i % 5]!,
    });
  }
  for (let i = 0; i < 120; i++) {
    sandbox.state.addTicket({
      subject: `assigned ${i}`,
      requester_id: DEMO_PEOPLE.customer1.id,
      assignee_id: leaver.id,
      status: (['open', 'pending', 'hold'] as const)[i % 3]!,
    });
  }
  // Solved tickets are not reassigned (Zendesk leaves them, or applies its solved-ticket setting).
  sandbox.state.addTicket({
    subject: 'solved long ago',
    requester_id: DEMO_PEOPLE.customer2.id,
    assignee_id: leaver.id,
    status: 'solved',
  });
  return leaver;
}

async function offboard(
  transferTo: { email: string } | undefined,
  policy: Policy = defaultPolicy(),
  allowIrreversible = false,
) {
  const event = createLifecycleEvent({
    type: 'lifecycle.offboarding.v1',
    source: 'hr/test',
    // Created a moment ago, so search would not show him yet (S16); the external-id filter does not lag and
    // ignores case (docs/zendesk-rules.md §1, §8).
    user: { external_id: 'hr-lars' },
    ...(transferTo ? { transfer_to: transferTo } : {}),
  });
  const audit = new Outcomes();
  const execution = await executePlan(planEvent(event, policy, { allowIrreversible }), {
    zendesk: client.asPort({ destinationWaitMs: 0, transfer: policy.transfer }),
    audit,
    protectedUsers: { ids: [], emails: [], external_ids: [] },
  });
  return { execution, audit };
}

const ticketsOf = (field: 'requester_id' | 'assignee_id', id: number) =>
  [...sandbox.state.tickets.values()].filter((t) => t[field] === id);

describe('offboarding a leaver with 250 requested and 120 assigned tickets', () => {
  it('moves all 220, reassigns all 120 before the downgrade, and frees the seat', async () => {
    const leaver = seedLeaver();
    const onApiUserBefore = ticketsOf('assignee_id', apiUserId).length;
    const { execution, audit } = await offboard({ email: DEMO_PEOPLE.manager.email });

    expect(execution.status).toBe('completed');
    expect(execution.steps.map((s) => [s.action, s.outcome])).toEqual([
      ['transfer_data', 'succeeded'],
      ['downgrade', 'succeeded'],
      ['suspend', 'succeeded'],
    ]);
    const [transfer, downgrade] = audit.recorded;
    expect(transfer!.transfer!.moved).toHaveLength(220);
    expect(transfer!.transfer!.skipped).toHaveLength(30);
    expect(downgrade!.reassignment).toMatchObject({ to: { assignee_id: DEMO_PEOPLE.manager.id } });
    expect(downgrade!.reassignment!.moved).toHaveLength(120);

    expect(ticketsOf('requester_id', leaver.id).every((t) => t.status === 'closed')).toBe(true);
    expect(ticketsOf('assignee_id', leaver.id).map((t) => t.status)).toEqual(['solved']);
    expect(
      ticketsOf('assignee_id', DEMO_PEOPLE.manager.id).filter((t) => t.subject.startsWith('assigned')),
    ).toHaveLength(120);
    expect(ticketsOf('assignee_id', apiUserId)).toHaveLength(onApiUserBefore);
    const after = sandbox.state.users.get(leaver.id)!;
    expect(after).toMatchObject({ role: 'end-user', suspended: true });

    // Order on the wire: every reassignment job before the role change, the role change before the suspension.
    const log = sandbox.state.requestLog.filter((r) => r.mutating);
    const roleChange = log.findIndex(
      (r) => r.method === 'PUT' && r.path.startsWith(`/api/v2/users/${leaver.id}`),
    );
    const updates = log.flatMap((r, i) => (r.path.includes('update_many') ? [i] : []));
    expect(updates).toHaveLength(3 + 2); // 220 requested in 3 jobs, 120 assigned in 2
    expect(Math.max(...updates)).toBeLessThan(roleChange);
    // Every list was asked for in cursor pages of 100 (docs/zendesk-rules.md §5, S18: node-zendesk adds it only for some paths).
    const lists = sandbox.state.requestLog.filter((r) => /\/tickets\/(requested|assigned)/.test(r.path));
    expect(lists.length).toBe(5); // 250 requested in 3 pages, 121 assigned in 2
    for (const r of lists) expect(decodeURIComponent(r.query)).toContain('page[size]=100');
  });

  it('gives the assigned tickets to the policy group when the destination cannot take them', async () => {
    const leaver = seedLeaver();
    const group = sandbox.state.addGroup('Service desk', [DEMO_PEOPLE.manager.id]);
    // An end user the policy names as a service account (an archive) may take requested tickets (issue 18: any
    // other end user is refused), but cannot be assigned any.
    const policy = defaultPolicy({
      reassign_assigned_tickets_to: { group_id: group.id },
      transfer: { service_accounts: { emails: [DEMO_PEOPLE.customer3.email] } },
    });
    const { execution, audit } = await offboard({ email: DEMO_PEOPLE.customer3.email }, policy);
    expect(execution.steps.map((s) => s.refusal?.reason ?? s.outcome)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    expect(audit.recorded[1]!.reassignment).toMatchObject({ to: { group_id: group.id } });
    const moved = audit.recorded[1]!.reassignment!.moved.map((id) => sandbox.state.tickets.get(id)!);
    expect(moved).toHaveLength(120);
    expect(moved.every((t) => t.group_id === group.id && t.assignee_id === null)).toBe(true);
    expect(sandbox.state.users.get(leaver.id)!.role).toBe('end-user');
  });

  it('refuses the downgrade rather than let Zendesk give the tickets to the API user', async () => {
    const leaver = seedLeaver();
    const { execution, audit } = await offboard(undefined);
    expect(execution.steps.map((s) => [s.action, s.outcome])).toEqual([
      ['downgrade', 'refused'],
      ['suspend', 'succeeded'],
    ]);
    expect(audit.recorded[0]!.refusal).toMatchObject({
      rule: 'no_reassignment_target',
      reason: expect.stringMatching(/120 open tickets[\s\S]*reassign_assigned_tickets_to/),
    });
    expect(sandbox.state.users.get(leaver.id)!.role).toBe('agent');
    expect(ticketsOf('assignee_id', leaver.id)).toHaveLength(121);
  });

  it('deletes the leaver last when irreversible actions are allowed', async () => {
    const leaver = seedLeaver();
    const { execution } = await offboard({ email: DEMO_PEOPLE.manager.email }, defaultPolicy(), true);
    expect(execution.steps.map((s) => [s.action, s.outcome])).toEqual([
      ['transfer_data', 'succeeded'],
      ['downgrade', 'succeeded'],
      ['suspend', 'succeeded'],
      ['deprovision', 'succeeded'],
    ]);
    expect(sandbox.state.users.has(leaver.id)).toBe(false);
  });
});
