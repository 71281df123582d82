// Before a user stops being an agent (downgrade, deletion), their open assigned tickets get a new assignee on
// purpose: left alone, Zendesk hands them to whoever makes the call, i.e. the service's own API user (docs/zendesk-rules.md
// §3, S7). The target is the first usable one the plan names (the transfer destination when it is an agent who
// can be assigned tickets, then the policy's agent or group); with tickets to move and none usable, the action
// is refused before anything changes.
import {
  ActionRefused,
  LifecycleError,
  type AssigneeTarget,
  type ReassignReport,
  type UserSnapshot,
} from '@zendesk-lifecycle/core';
import type { ZendeskApi } from '../api/zendesk-api.js';
import { NotFound } from '../errors.js';
import { findUser } from '../users/find-user.js';
import { updateTicketsInJobs, userTickets } from './bulk-tickets.js';

/** Ticket statuses Zendesk does not reassign when an agent goes (solved and closed stay as they are). */
const SETTLED = new Set(['solved', 'closed']);

/** Ids of the tickets assigned to the user that are still open (new, open, pending, on hold). */
export async function openAssignedTickets(api: ZendeskApi, userId: number): Promise<number[]> {
  return (await userTickets(api, userId, 'assigned')).filter((t) => !SETTLED.has(t.status)).map((t) => t.id);
}

/** Whether a user can be given tickets: an active, unsuspended admin or full agent (not light, chat, contributor). */
function assignable(user: UserSnapshot): boolean {
  if (!user.active || user.suspended) return false;
  if (user.role === 'admin') return true;
  return user.role === 'agent' && (user.role_type === null || user.role_type === 0);
}

type Resolved = { to: ReassignReport['to']; label: string } | { why: string };

async function resolve(api: ZendeskApi, user: UserSnapshot, target: AssigneeTarget): Promise<Resolved> {
  if ('group_id' in target) {
    try {
      const { body: group } = await api.showGroup<
        { id: number; name?: string; deleted?: boolean } | undefined
      >(target.group_id);
      if (group && group.deleted !== true)
        return { to: { group_id: target.group_id }, label: `group ${group.name ?? ''} (${target.group_id})` };
      return { why: `group ${target.group_id} is deleted` };
    } catch (error) {
      if (error instanceof NotFound) return { why: `group ${target.group_id} does not exist` };
      throw error;
    }
  }
  const agent = await findUser(api, target.agent, { deleted: false });
  const name = JSON.stringify(target.agent);
  if (!agent) return { why: `${name} is not a Zendesk user` };
  if (agent.id === user.id) return { why: `${name} is the user being removed` };
  if (!assignable(agent))
    return {
      why: `${name} (${agent.id}) cannot be assigned tickets (not an active agent or admin with a full seat)`,
    };
  return { to: { assignee_id: agent.id }, label: `${agent.name} (${agent.id})` };
}

/** The detail sentence and report of a reassignment; null when the user had no open assigned tickets. */
export interface Reassigned {
  report: ReassignReport;
  label: string;
  requestIds: string[];
}

/**
 * Gives `ticketIds` (the user's open assigned tickets) to the first usable target, 100 per update_many job.
 * Throws ActionRefused when no target is usable, and the retryable `reassign_incomplete` when some tickets
 * could not be moved (the action must not go on: Zendesk would hand those to the API user).
 */
export async function reassignTickets(
  api: ZendeskApi,
  user: UserSnapshot,
  ticketIds: number[],
  targets: AssigneeTarget[],
): Promise<Reassigned> {
  const reasons: string[] = [];
  let chosen: { to: ReassignReport['to']; label: string } | null = null;
  for (const target of targets) {
    const resolved = await resolve(api, user, target);
    if ('why' in resolved) reasons.push(resolved.why);
    else {
      chosen = resolved;
      break;
    }
  }
  if (!chosen) {
    const why =
      reasons.length > 0
        ? `no target can take them: ${reasons.join('; ')}`
        : 'the event names no transfer destination and the policy sets no reassign_assigned_tickets_to';
    throw new ActionRefused(
      'no_reassignment_target',
      `${ticketIds.length} open tickets are assigned to ${user.name} (${user.id}) and ${why}. Zendesk would give them to ` +
        "the service's own API user, so nothing was changed. Name an agent in transfer_to, set " +
        'reassign_assigned_tickets_to in the policy, or reassign the tickets by hand, then send the event again.',
    );
  }
  const changes =
    'group_id' in chosen.to
      ? { group_id: chosen.to.group_id, assignee_id: null }
      : { assignee_id: chosen.to.assignee_id };
  const report: ReassignReport = { to: chosen.to, moved: [], failed: [] };
  const { updates, requestIds } = await updateTicketsInJobs(api, ticketIds, changes);
  for (const u of updates) {
    if (u.ok) report.moved.push(u.id);
    else report.failed.push({ id: u.id, error: u.error });
  }
  if (report.failed.length > 0) {
    throw new LifecycleError(
      'reassign_incomplete',
      `${report.failed.length} of ${ticketIds.length} open assigned tickets could not be reassigned to ${chosen.label}`,
      { retryable: true },
    );
  }
  return { report, label: chosen.label, requestIds };
}
