// The lifecycle actions, each idempotent: a second run after success changes nothing and says `already_done`.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ActionRefused,
  destinationRefusal,
  LifecycleError,
  protectionOf,
  type ActionOptions,
  type ActionReport,
  type DeprovisionOptions,
  type PriorState,
  type ProtectedUsers,
  type ReassignOptions,
  type TransferRules,
  type UserRef,
  type UserSnapshot,
  type ZendeskPort,
} from '@zendesk-lifecycle/core';
import type { ZendeskApi } from '../api/zendesk-api.js';
import { Invalid, NotFound } from '../errors.js';
import { findDeletedByEmail, findUser, lookupLags } from '../users/find-user.js';
import { toSnapshot, type ZendeskUser } from '../users/snapshot.js';
import { openAssignedTickets, reassignTickets, type Reassigned } from './reassign.js';
import { userTickets } from './bulk-tickets.js';
import { transferRequestedTickets } from './transfer.js';
import { restoreUser, withGroups } from './restore.js';

/** Who no action may touch, and who may receive a leaver's tickets. */
export interface ProtectionOptions {
  /**
   * Users no action may touch: the same list the executor is given. On top of it, always: the account owner
   * (`account_owner_id`, else the configured ZENDESK_ACCOUNT_OWNER_ID; unknown, every admin is refused) and the
   * service's own user (`GET /users/me`, asked once; while it cannot be asked, no action runs).
   */
  protectedUsers?: ProtectedUsers;
  /** The policy's `transfer` rules: who may not, and which service accounts may, receive a leaver's tickets. */
  transfer?: TransferRules;
}

/** Options of the actions (`ZendeskClient.asPort(options)`): protection, transfer rules, how long to wait for a new destination. */
export interface ActionsOptions extends ProtectionOptions {
  /**
   * How long a transfer destination named by email alone is looked for before "not found" is final: search
   * lags minutes behind new users (docs/zendesk-rules.md §8, S16). Default 3 minutes.
   */
  destinationWaitMs?: number;
}

/** How long a transfer destination named by email alone is looked for by default (3 minutes: search lags). */
export const DEFAULT_DESTINATION_WAIT_MS = 180_000;

/** Zendesk's refusal to soft delete a requester of unclosed tickets (docs/zendesk-rules.md §4, S10, S7). */
const REQUESTER_REFUSAL = /User is requester on [^"]*?tickets? that (?:are|is) not closed/i;

/** Core's `ZendeskPort` over Zendesk: idempotent downgrade, suspend, unsuspend, deprovision, purge, transfer and restore. Get one from `ZendeskClient.asPort()`. */
export class ZendeskActions implements ZendeskPort {
  constructor(
    private readonly api: ZendeskApi,
    private readonly protection: ActionsOptions,
    /** The user this client signs in as (`GET /users/me`, asked once): ZendeskClient.serviceUser. */
    private readonly serviceUser: () => Promise<UserSnapshot>,
  ) {}

  findUser(ref: UserRef): Promise<UserSnapshot | null> {
    return findUser(this.api, ref);
  }

  /**
   * The id of the user this client signs in as (`GET /users/me`, whatever the credential type). A failure is
   * thrown (a network error is retried later): an action never runs without knowing it.
   */
  private async serviceUserId(): Promise<number> {
    const id = (await this.serviceUser()).id as unknown;
    if (typeof id === 'number') return id;
    throw new LifecycleError(
      'zendesk_auth_failed',
      'Zendesk answered GET /users/me as for an anonymous caller: the service user is not known, so nothing is changed',
    );
  }

  /** Core's protected-user rule (the executor's too), with the account owner and service user as this client knows them. */
  private async refuseProtected(user: UserSnapshot, options: ActionOptions): Promise<void> {
    const listed = this.protection.protectedUsers ?? { ids: [], emails: [], external_ids: [] };
    const protectedUsers: ProtectedUsers = {
      ...listed,
      account_owner_id: listed.account_owner_id ?? this.api.accountOwnerId(),
      service_user_ids: [...(listed.service_user_ids ?? []), await this.serviceUserId()],
    };
    const protection = protectionOf(user, protectedUsers, { may_target_admins: options.may_target_admins });
    if (protection) throw new ActionRefused('protected_user', protection);
  }

  private async update(
    user: UserSnapshot,
    changes: Record<string, unknown>,
  ): Promise<{ after: UserSnapshot; requestIds: string[] }> {
    const res = await this.api.updateUser<ZendeskUser>(user.id, changes);
    const after = toSnapshot(res.body, this.api.accountOwnerId());
    // An end user belongs to no group: known without asking.
    return {
      after: after.role === 'end-user' ? { ...after, group_ids: [] } : after,
      requestIds: res.requestIds,
    };
  }

  private async change(
    user: UserSnapshot,
    options: ActionOptions,
    done: boolean,
    changes: Record<string, unknown>,
    detail: string,
  ): Promise<ActionReport> {
    await this.refuseProtected(user, options);
    if (done)
      return {
        status: 'already_done',
        before: user,
        after: user,
        request_ids: [],
        detail: `already ${detail}`,
      };
    const { after, requestIds } = await this.update(user, changes);
    return { status: 'succeeded', before: user, after, request_ids: requestIds, detail };
  }

  /** A re-hired person's former, soft-deleted profile: the newest deleted user with this user's email. */
  formerProfile(user: UserSnapshot): Promise<UserSnapshot | null> {
    if (!user.active || user.email === null) return Promise.resolve(null);
    return findDeletedByEmail(this.api, user.email);
  }

  /** The user with its group memberships read (none for an end user or a deleted user, at no cost). */
  readGroups(user: UserSnapshot): Promise<UserSnapshot> {
    return withGroups(this.api, user);
  }

  /** Ids of the user's open assigned tickets (Zendesk reassigns them when the user stops being an agent). */
  assignedTicketIds(userId: number): Promise<number[]> {
    return openAssignedTickets(this.api, userId);
  }

  /** Reassigns the user's open assigned tickets to the first usable target; null when there were none. */
  private async reassignOpenTickets(
    user: UserSnapshot,
    options: ReassignOptions,
    ticketIds?: number[],
  ): Promise<Reassigned | null> {
    if (user.role === 'end-user') return null;
    const ids = ticketIds ?? (await openAssignedTickets(this.api, user.id));
    if (ids.length === 0) return null;
    return reassignTickets(this.api, user, ids, options.reassign_to ?? []);
  }

  /** Reassigns the open assigned tickets first (see reassign.ts), then makes the user an end user. */
  async downgrade(user: UserSnapshot, options: ReassignOptions): Promise<ActionReport> {
    if (user.role === 'end-user') return this.change(user, options, true, {}, 'an end user');
    await this.refuseProtected(user, options);
    // The groups go with the agent role: read them first, for the audit record undo restores from (deprovision
    // too: a re-hire gives them to the person's new profile). Suspend changes no memberships: no call.
    const before = await withGroups(this.api, user);
    const reassigned = await this.reassignOpenTickets(user, options);
    const { after, requestIds } = await this.update(user, { role: 'end-user' });
    return {
      status: 'succeeded',
      before,
      after,
      request_ids: [...(reassigned?.requestIds ?? []), ...requestIds],
      detail: ['downgraded to end user', movedSentence(reassigned)].filter(Boolean).join('; '),
      ...(reassigned ? { reassignment: reassigned.report } : {}),
    };
  }

  suspend(user: UserSnapshot, options: ActionOptions): Promise<ActionReport> {
    return this.change(user, options, user.suspended, { suspended: true }, 'suspended');
  }

  async unsuspend(user: UserSnapshot, options: ActionOptions): Promise<ActionReport> {
    if (!user.active) {
      // Zendesk changes no deleted user, and cannot undelete one: the re-hire's restore step gives the person a
      // new profile in the state recorded before the offboarding (suspension included).
      await this.refuseProtected(user, options);
      return {
        status: 'already_done',
        before: user,
        after: user,
        request_ids: [],
        detail: 'the profile is deleted: nothing to unsuspend on it (restore gives the person a new profile)',
      };
    }
    return this.change(user, options, !user.suspended, { suspended: false }, 'unsuspended');
  }

  /** How many tickets the user requests that are not closed (each one makes Zendesk refuse the soft delete). */
  private async requestedNotClosed(userId: number): Promise<number> {
    return (await userTickets(this.api, userId, 'requested')).filter((t) => t.status !== 'closed').length;
  }

  /**
   * Permanent delete of a user soft-deleted earlier (`DELETE /deleted_users/{id}`), after the grace period. An
   * active user is refused (`not_soft_deleted`: restored or re-hired since); one no longer found is already gone.
   */
  async purge(user: UserSnapshot, options: ActionOptions): Promise<ActionReport> {
    await this.refuseProtected(user, options);
    if (user.active)
      throw new ActionRefused(
        'not_soft_deleted',
        `${user.name} (${user.id}) is active: only a soft-deleted user is purged (restored or re-hired since?)`,
      );
    try {
      const res = await this.api.deleteUserPermanently(user.id);
      return {
        status: 'succeeded',
        before: user,
        after: null,
        request_ids: res.requestIds,
        detail: 'permanently deleted',
      };
    } catch (error) {
      if (!(error instanceof NotFound)) throw error;
      return { status: 'already_done', before: user, after: null, request_ids: [], detail: 'already gone' };
    }
  }

  /**
   * Soft delete (after reassigning the open assigned tickets), then, when permanent, permanent delete; resumes
   * from the soft-deleted state. Zendesk's refusal to delete a requester of unclosed tickets is ActionRefused.
   */
  async deprovision(found: UserSnapshot, options: DeprovisionOptions): Promise<ActionReport> {
    await this.refuseProtected(found, options);
    // The memberships the delete ends, for the audit record a re-hire restores from (restore.ts, rehire-profile.ts).
    const user = found.active && !found.group_ids ? await withGroups(this.api, found) : found;
    const requestIds: string[] = [];
    const steps: string[] = [];
    let current: UserSnapshot | null = user;
    let reassigned: Reassigned | null = null;
    if (user.active) {
      const assigned = user.role === 'end-user' ? [] : await openAssignedTickets(this.api, user.id);
      if (assigned.length > 0) {
        // Reassigning is only worth it when the delete can then go through: ask first.
        const blocking = await this.requestedNotClosed(user.id);
        if (blocking > 0)
          throw deleteRefused(user, `User is requester on ${blocking} tickets that are not closed`, {});
        reassigned = await this.reassignOpenTickets(user, options, assigned);
        if (reassigned) requestIds.push(...reassigned.requestIds);
      }
      try {
        const res = await this.api.deleteUser<ZendeskUser>(user.id);
        requestIds.push(...res.requestIds);
        current = toSnapshot(res.body, null);
        steps.push('soft deleted');
      } catch (error) {
        const refusal = error instanceof Invalid ? REQUESTER_REFUSAL.exec(JSON.stringify(error.body)) : null;
        if (refusal) {
          throw deleteRefused(user, refusal[0], {
            before: user,
            request_ids: [
              ...requestIds,
              ...(error instanceof Invalid && error.requestId ? [error.requestId] : []),
            ],
            ...(reassigned ? { reassignment: reassigned.report } : {}),
          });
        }
        if (!(error instanceof NotFound)) throw error;
      }
    }
    if (options.permanent) {
      try {
        const res = await this.api.deleteUserPermanently(user.id);
        requestIds.push(...res.requestIds);
        current = null;
        steps.push('permanently deleted');
      } catch (error) {
        if (!(error instanceof NotFound)) throw error;
        current = null;
      }
    }
    if (steps.length === 0) {
      return {
        status: 'already_done',
        before: user,
        after: current,
        request_ids: [],
        detail: options.permanent ? 'already gone' : 'already soft deleted',
      };
    }
    const moved = movedSentence(reassigned);
    return {
      status: 'succeeded',
      before: user,
      after: current,
      request_ids: requestIds,
      detail: [steps.join(', then '), moved].filter(Boolean).join('; '),
      ...(reassigned ? { reassignment: reassigned.report } : {}),
    };
  }

  /**
   * Undo: role, custom role, suspension and group memberships back as recorded (see restore.ts); for a deleted
   * user onto a new (or found) profile of the person (rehire-profile.ts), which must not be protected either.
   * Refused when Zendesk has no free agent seat (`no_free_seat`).
   */
  async restore(user: UserSnapshot, prior: PriorState, options: ActionOptions): Promise<ActionReport> {
    await this.refuseProtected(user, options);
    return restoreUser(
      this.api,
      user,
      prior,
      this.api.accountOwnerId(),
      options.may_target_admins === true,
      (profile) => this.refuseProtected(profile, options),
    );
  }

  /**
   * The transfer destination, looked for again while a lookup by email may lag (search indexes new users within
   * minutes), up to `destinationWaitMs`; then final.
   */
  private async findDestination(ref: UserRef): Promise<UserSnapshot | null> {
    const waitMs = this.protection.destinationWaitMs ?? DEFAULT_DESTINATION_WAIT_MS;
    const deadline = Date.now() + (lookupLags(ref) ? waitMs : 0);
    for (let delay = 250; ; delay = Math.min(delay * 2, 10_000)) {
      const found = await findUser(this.api, ref, { deleted: false });
      if (found || Date.now() >= deadline) return found ?? (await findUser(this.api, ref));
      await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
    }
  }

  /**
   * Gives the user's requested tickets to the destination, which core's rule must allow first (an active,
   * unsuspended agent or admin other than the user, not barred by the policy, or a service account it names):
   * anything else is refused (`destination_not_allowed`) before any ticket moves.
   */
  async transferData(
    user: UserSnapshot,
    destination: UserRef,
    options: ActionOptions,
  ): Promise<ActionReport> {
    await this.refuseProtected(user, options);
    const target = await this.findDestination(destination);
    if (!target) {
      throw new LifecycleError(
        'invalid_destination',
        `the transfer destination ${JSON.stringify(destination)} does not exist`,
      );
    }
    const refusal = destinationRefusal(user, target, this.protection.transfer);
    if (refusal) throw new ActionRefused('destination_not_allowed', refusal);
    const { report, requestIds } = await transferRequestedTickets(this.api, user.id, target.id);
    if (report.failed.length > 0) {
      throw new LifecycleError(
        'transfer_incomplete',
        `${report.failed.length} tickets could not be moved to user ${target.id}`,
        { retryable: true },
      );
    }
    const status = report.moved.length === 0 ? 'already_done' : 'succeeded';
    const detail = `${report.moved.length} tickets moved to ${target.name} (${target.id}), ${report.skipped.length} closed tickets left as they are`;
    return { status, before: user, after: user, request_ids: requestIds, detail, transfer: report };
  }
}

function movedSentence(reassigned: Reassigned | null): string {
  if (!reassigned) return '';
  return `${reassigned.report.moved.length} open assigned tickets reassigned to ${reassigned.label} first`;
}

/** Zendesk refuses the delete (or would): what it said, and what a person does about it. */
function deleteRefused(
  user: UserSnapshot,
  zendeskSays: string,
  partial: ConstructorParameters<typeof ActionRefused>[2],
): ActionRefused {
  return new ActionRefused(
    'zendesk_refused_delete',
    `Zendesk refuses to delete ${user.name} (${user.id}): "${zendeskSays.replace(/\.$/, '')}". Give those tickets ` +
      'another requester (an offboarding event with transfer_to, or the transfer_data action) or close them, ' +
      'then send the event again.',
    partial,
  );
}
