// Who may receive a leaver's tickets: an active, unsuspended agent or admin who is not the leaver and not on the
// policy's never_receive list, or a service account the policy names. The Zendesk client and core's fake ask
// this one rule before any ticket moves.
import { z } from 'zod';
import type { UserSnapshot } from '../model/users.js';
import { listedAs, userListSchema } from './protected-users.js';

const noUsers = () => ({ ids: [], emails: [], external_ids: [] });

/** The policy's `transfer` block. */
export const transferRulesSchema = z
  .object({
    /** Users who never receive transferred tickets (e.g. executives, shared mailboxes). */
    never_receive: userListSchema.default(noUsers),
    /** Accounts that may receive tickets whatever their role (e.g. an archive end user). */
    service_accounts: userListSchema.default(noUsers),
  })
  .strict();
/** The policy's transfer rules: who never receives a leaver's tickets, which service accounts may. */
export type TransferRules = z.output<typeof transferRulesSchema>;

/** No policy rules: only the built-in ones apply. */
export const noTransferRules = (): TransferRules => ({
  never_receive: noUsers(),
  service_accounts: noUsers(),
});

/** Why `target` may not receive `leaver`'s tickets, or null when it may. */
export function destinationRefusal(
  leaver: UserSnapshot,
  target: UserSnapshot,
  rules: TransferRules = noTransferRules(),
): string | null {
  const who = `the transfer destination ${target.name} (${target.id})`;
  if (target.id === leaver.id) return `${who} is the leaver itself`;
  if (!target.active) return `${who} was deleted`;
  if (target.suspended) return `${who} is suspended`;
  const barred = listedAs(target, rules.never_receive);
  if (barred) return `${who} may not receive transferred tickets (policy transfer.never_receive: ${barred})`;
  if (listedAs(target, rules.service_accounts)) return null;
  if (target.role === 'end-user')
    return `${who} is an end user (a customer): only agents, admins and the policy's transfer.service_accounts receive tickets`;
  return null;
}
