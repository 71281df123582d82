// Undo as a step: the state before the most recent lifecycle event that changed the user, from the audit trail,
// put back through Zendesk. Without a recorded state: a user who is still an agent or admin has nothing visibly
// taken away (already done, said so); an end user has lost a role nobody recorded (or the search index does not
// show the record yet), which is refused with what to do rather than guessed.
import { ActionRefused } from '../errors/action-refused.js';
import type { ActionOptions, ActionReport, UserSnapshot } from '../model/index.js';
import type { AuditPort } from '../ports/audit-port.js';
import type { ZendeskPort } from '../ports/zendesk-port.js';

export async function restoreStep(
  zendesk: ZendeskPort,
  audit: AuditPort,
  found: UserSnapshot,
  options: ActionOptions,
): Promise<ActionReport> {
  let user = found;
  let prior = audit.priorState ? await audit.priorState({ id: user.id }) : null;
  if (!prior && audit.priorState && user.active && zendesk.formerProfile) {
    // Zendesk cannot undelete: a re-hired person may already have a new profile (an earlier try of this step that
    // stopped half-way, or single sign-on), while the state was recorded under the deleted one. Restore from that
    // record; the port restores onto the active profile, never a second one.
    const former = await zendesk.formerProfile(user);
    const recorded = former ? await audit.priorState({ id: former.id }) : null;
    if (former && recorded) {
      user = former;
      prior = recorded;
    }
  }
  if (!prior) {
    // A deleted user has lost everything, whatever role its record still shows: never "nothing to restore".
    if (user.role !== 'end-user' && user.active)
      return {
        status: 'already_done',
        before: user,
        after: user,
        request_ids: [],
        detail: `no recorded lifecycle change to undo, and the user is still ${user.role === 'admin' ? 'an admin' : 'an agent'}: nothing restored`,
      };
    throw new ActionRefused(
      'no_prior_state',
      audit.priorState
        ? `no audit record of a lifecycle event that changed user ${user.id} was found, so there is no earlier ` +
            'role to restore; if one ran minutes ago, the search index may not show it yet: send the event again ' +
            'later, or set the role and groups by hand'
        : 'this audit trail cannot read back the state before an earlier event, so there is no earlier role to ' +
            'restore: set the role and groups by hand',
    );
  }
  const report = await zendesk.restore(user, prior, options);
  const from = prior.recorded_in;
  if (!from) return report;
  // Where the state came from, for the auditor: the ticket of the step it was recorded before.
  const source = `state recorded in audit ticket ${from.ticket_id}, before the ${from.action} of event ${from.event_id}`;
  return { ...report, detail: report.detail ? `${report.detail}; ${source}` : source };
}
