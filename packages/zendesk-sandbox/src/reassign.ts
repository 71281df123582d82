// What Zendesk does to a removed agent's tickets (S7, S8): open tickets go to the acting admin, or to the
// group's first agent when the actor is not in the ticket's group; moves to light agent or contributor unassign.
import type { Ticket, User } from './model.js';
import type { SandboxState } from './state.js';

/** Not solved and not closed: the tickets Zendesk moves when their assignee stops being an agent. */
const unsolved = (t: Ticket) => t.status !== 'solved' && t.status !== 'closed';

/**
 * Downgrade to end user or delete (S7): "the tickets are reassigned to the admin removing the agent. If the admin
 * removing the agent isn't a member of the group to which a ticket is assigned, then the ticket is reassigned to
 * the first agent in the group (lowest user id)". Through the API the admin is the API identity. A group with no
 * other member sends the ticket to the account owner (a secondary summary, docs/zendesk-rules.md §3). Solved tickets stay put
 * (the solved-ticket reassignment setting is not modelled). Returns the ids moved.
 */
export function reassignOnRemoval(state: SandboxState, leaver: User, actor: User): number[] {
  const moved: number[] = [];
  for (const ticket of state.tickets.values()) {
    if (ticket.assignee_id !== leaver.id || !unsolved(ticket)) continue;
    let to = actor.id;
    if (ticket.group_id !== null) {
      const members = state.groupMembers(ticket.group_id).filter((id) => id !== leaver.id);
      if (!members.includes(actor.id)) to = members[0] ?? state.ownerId;
    }
    ticket.assignee_id = to;
    ticket.updated_at = state.now();
    moved.push(ticket.id);
  }
  return moved;
}

/** A move to light agent or contributor (S8, 2026-04-30): every unsolved ticket is unassigned. */
export function unassignUnsolved(state: SandboxState, user: User): number[] {
  const moved: number[] = [];
  for (const ticket of state.tickets.values()) {
    if (ticket.assignee_id !== user.id || !unsolved(ticket)) continue;
    ticket.assignee_id = null;
    ticket.updated_at = state.now();
    moved.push(ticket.id);
  }
  return moved;
}
