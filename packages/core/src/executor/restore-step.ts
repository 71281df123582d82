// Undo as a step: the state before the most recent lifecycle event that changed the user, from the audit trail,
// put back through Zendesk. Without a recorded state there is nothing safe to restore: refused, with what to do.
import { ActionRefused } from '../errors/action-refused.js';
import type { ActionOptions, ActionReport, UserSnapshot } from '../model/index.js';
import type { AuditPort } from '../ports/audit-port.js';
import type { ZendeskPort } from '../ports/zendesk-port.js';

export async function restoreStep(
  zendesk: ZendeskPort,
  audit: AuditPort,
  user: UserSnapshot,
  options: ActionOptions,
): Promise<ActionReport> {
  if (!audit.priorState)
    throw new ActionRefused(
      'no_prior_state',
      'this audit trail cannot read back the state before an earlier event, so there is nothing to restore from',
    );
  const prior = await audit.priorState({ id: user.id });
  if (!prior)
    throw new ActionRefused(
      'no_prior_state',
      `no audit record of a lifecycle event that changed user ${user.id} was found, so there is no earlier state ` +
        'to restore; if one ran minutes ago, the search index may not show it yet: send the event again later, ' +
        'or set the role and groups by hand',
    );
  const report = await zendesk.restore(user, prior, options);
  const from = prior.recorded_in;
  if (!from) return report;
  // Where the state came from, for the auditor: the ticket of the step it was recorded before.
  const source = `state recorded in audit ticket ${from.ticket_id}, before the ${from.action} of event ${from.event_id}`;
  return { ...report, detail: report.detail ? `${report.detail}; ${source}` : source };
}
