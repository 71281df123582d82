// Tags make audit tickets searchable and routable (by action, workflow, outcome and dry run), and record the
// event digest that recall compares.
import { EVENT_DIGEST_TAG_PREFIX } from './ticket-keys.js';
import type { AuditedStep } from './audited-step.js';

/** Every audit ticket carries this tag. */
export const AUDIT_TAG = 'itsm_audit';

/** Every audit ticket of a dry run carries this tag; recall reads such a ticket as `planned`, never as done. */
export const DRY_RUN_TAG = 'dry_run';

/** A Zendesk-safe tag: lower case, letters, digits and underscores only (Zendesk splits tags on spaces). */
export function toTag(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Every audit ticket about a Zendesk user carries `zl_user_<id>`: undo searches the user's tickets by it. */
export const USER_TAG_PREFIX = 'zl_user_';

/** The tag of a user's audit tickets. */
export const userTag = (userId: number): string => `${USER_TAG_PREFIX}${userId}`;

/** The ticket's tags, in a stable order and without duplicates; `extraTags` come last. */
export function auditTags(outcome: AuditedStep, extraTags: readonly string[] = []): string[] {
  const tags = [
    AUDIT_TAG,
    `action_${outcome.step.action}`,
    `workflow_${outcome.workflow}`,
    ...(outcome.workflow_variant === null ? [] : [`variant_${outcome.workflow_variant}`]),
    `outcome_${outcome.outcome}`,
    ...(outcome.dry_run ? [DRY_RUN_TAG] : []),
    `${EVENT_DIGEST_TAG_PREFIX}${outcome.step.event_digest}`,
    ...userTags(outcome),
    ...extraTags,
  ].map(toTag);
  return [...new Set(tags)].filter((tag) => tag.length > 0);
}

/**
 * The user's tag: the user acted on (as found, else before or after), else the id the event named. A re-hire
 * restored onto a new profile (Zendesk cannot undelete) is tagged with the old profile's id too.
 */
function userTags(outcome: AuditedStep): string[] {
  const id = (outcome.user ?? outcome.before ?? outcome.after)?.id ?? outcome.user_ref.id;
  const ids = [id, outcome.before?.id, outcome.after?.id].filter((i): i is number => i !== undefined);
  return ids.map(userTag);
}
