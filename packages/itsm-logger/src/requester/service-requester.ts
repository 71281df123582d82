// Who requests audit tickets: a configured service identity, never the person the action was about. A ticket
// requested by a deprovisioned agent would notify them, show up in their requests and follow their account.
import { LifecycleError, type StepOutcome, type UserSnapshot } from '@zendesk-lifecycle/core';

/**
 * The service identity that requests audit tickets: an email (Zendesk finds the user, or creates an end user
 * with `name`), a user id, or "api_user" for the authenticated API user (Zendesk's default requester).
 */
export type ServiceRequester = { email: string; name?: string } | { id: number } | 'api_user';

/** The name Zendesk gives a requester it creates from an email it does not know. */
export const DEFAULT_REQUESTER_NAME = 'Zendesk lifecycle audit';

/** The requester fields of a ticket body; none means the authenticated API user. */
export interface RequesterFields {
  requester?: { email: string; name: string };
  requester_id?: number;
}

export function requesterFields(requester: ServiceRequester): RequesterFields {
  if (requester === 'api_user') return {};
  if ('id' in requester) return { requester_id: requester.id };
  return { requester: { email: requester.email, name: requester.name ?? DEFAULT_REQUESTER_NAME } };
}

/** A config error when the requester itself is malformed; checked once, when the logger is created. */
export function checkServiceRequester(requester: ServiceRequester): void {
  if (requester === 'api_user') return;
  const valid =
    'id' in requester
      ? Number.isSafeInteger(requester.id) && requester.id > 0
      : /^[^\s@]+@[^\s@]+$/.test(requester.email);
  if (!valid) {
    throw new LifecycleError(
      'invalid_config',
      'the audit requester must be an email address or a positive user id',
    );
  }
}

const sameEmail = (a: string | null | undefined, b: string): boolean =>
  typeof a === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase();

function snapshots(outcome: StepOutcome): UserSnapshot[] {
  return [outcome.user, outcome.before, outcome.after].filter((u): u is UserSnapshot => u !== null);
}

/**
 * True when the requester is the user the outcome is about. Ids are only compared when the audit tickets live in
 * the target account: in a separate ITSM account the same number names somebody else.
 */
export function requesterIsActedOn(
  requester: ServiceRequester,
  outcome: StepOutcome,
  sameAccount: boolean,
): boolean {
  if (requester === 'api_user') return false;
  if ('email' in requester) {
    const emails = [outcome.user_ref.email, ...snapshots(outcome).map((u) => u.email)];
    return emails.some((email) => sameEmail(email, requester.email));
  }
  if (!sameAccount) return false;
  const ids = [outcome.user_ref.id, ...snapshots(outcome).map((u) => u.id)];
  return ids.includes(requester.id);
}

/** Refuses (not retryable) to write a ticket whose requester would be the user acted on. */
export function refuseRequesterActedOn(
  requester: ServiceRequester,
  outcome: StepOutcome,
  sameAccount: boolean,
): void {
  if (!requesterIsActedOn(requester, outcome, sameAccount)) return;
  throw new LifecycleError(
    'audit_requester_is_target',
    `the audit requester is the user this ${outcome.step.action} acted on; configure another service identity (ITSM_REQUESTER_EMAIL)`,
  );
}
