// Restore's refusals, shared by restoring a user in place and onto a re-hired person's new profile: no free agent
// seat (docs/zendesk-rules.md §9), and the admin role given back by a principal that may not target admins.
import { ActionRefused, type PriorState, type UserSnapshot } from '@zendesk-lifecycle/core';
import type { Invalid } from '../errors.js';

/** Zendesk's refusal of a role change for want of a seat (its admin UI says "Subscription limit reached"). */
export const NO_SEAT = /seat|subscription limit|licen[cs]e/i;

export function seatRefusal(user: UserSnapshot, prior: PriorState, error: Invalid): ActionRefused {
  const said = JSON.stringify(error.body);
  return new ActionRefused(
    'no_free_seat',
    `no agent seat is free to make ${user.name} (${user.id}) ${prior.role} again (Zendesk: ${said.slice(0, 300)}); ` +
      'free a seat (downgrade an agent who left) or buy one, then send the event again',
  );
}

/** The admin role is given back only by a principal that may target admins. */
export function refuseAdminUnlessAllowed(
  user: UserSnapshot,
  prior: PriorState,
  mayTargetAdmins: boolean,
): void {
  if (prior.role === 'admin' && (user.role !== 'admin' || !user.active) && !mayTargetAdmins)
    throw new ActionRefused(
      'protected_user',
      `giving ${user.name} (${user.id}) the admin role back needs a principal that may target admins ` +
        '(may_target_admins): send the event through one, or restore the admin role by hand',
    );
}
