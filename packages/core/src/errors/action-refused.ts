// A refusal, not a failure: the action may not run as things stand (Zendesk refuses it, or no safe way to do it
// exists), trying again unchanged cannot help, and a person has to act first. The executor audits it as `refused`.
import type { ActionReport } from '../model/actions.js';
import type { RefusalRule } from '../model/codes.js';
import { LifecycleError } from './lifecycle-error.js';

/** What an action had already done when it was refused (request ids, reassigned tickets). */
export type RefusedPartial = Partial<Pick<ActionReport, 'before' | 'request_ids' | 'reassignment'>>;

/** An action refused by a rule (protected user, destination not allowed, ...): audited as refused, never retried. */
export class ActionRefused extends LifecycleError {
  /**
   * @param rule    the rule that stopped the action (model/codes.ts), e.g. `zendesk_refused_delete`
   * @param reason  one sentence for people: why, and what to do about it
   */
  constructor(
    readonly rule: RefusalRule,
    reason: string,
    readonly partial: RefusedPartial = {},
  ) {
    super(rule, reason, { retryable: false });
  }
}
