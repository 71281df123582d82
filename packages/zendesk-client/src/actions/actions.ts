// The lifecycle actions, each idempotent: a second run after success changes nothing and says `already_done`.
import {
  LifecycleError,
  type ActionOptions,
  type ActionReport,
  type DeprovisionOptions,
  type UserRef,
  type UserSnapshot,
  type ZendeskPort,
} from '@zendesk-lifecycle/core';
import type { ZendeskClient } from '../client.js';
import { NotFound } from '../errors.js';
import { toSnapshot, type ZendeskUser } from '../users/snapshot.js';
import { transferRequestedTickets } from './transfer.js';

export interface ProtectionOptions {
  /** Users no action may touch, on top of the account owner. */
  protectedUserIds?: number[];
  protectedEmails?: string[];
}

export class ZendeskActions implements ZendeskPort {
  constructor(
    readonly client: ZendeskClient,
    private readonly protection: ProtectionOptions = {},
  ) {}

  findUser(ref: UserRef): Promise<UserSnapshot | null> {
    return this.client.findUser(ref);
  }

  private async refuseProtected(user: UserSnapshot): Promise<void> {
    const owner = await this.client.accountOwnerId();
    const email = user.email?.toLowerCase();
    if (
      user.is_account_owner ||
      user.id === owner ||
      this.protection.protectedUserIds?.includes(user.id) ||
      (email !== undefined && this.protection.protectedEmails?.some((e) => e.toLowerCase() === email))
    ) {
      throw new LifecycleError(
        'protected_user',
        `user ${user.id} is protected and is never changed by automation`,
      );
    }
  }

  private async update(
    user: UserSnapshot,
    changes: Record<string, unknown>,
  ): Promise<{ after: UserSnapshot; requestIds: string[] }> {
    const res = await this.client.http.call<{ user: ZendeskUser }>('PUT', ['users', user.id], {
      user: changes,
    });
    return {
      after: toSnapshot(res.body.user, await this.client.accountOwnerId()),
      requestIds: res.requestIds,
    };
  }

  private async change(
    user: UserSnapshot,
    done: boolean,
    changes: Record<string, unknown>,
    detail: string,
  ): Promise<ActionReport> {
    await this.refuseProtected(user);
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

  /** Ids of the tickets still assigned to the user (Zendesk advises reassigning them before a downgrade). */
  async assignedTicketIds(userId: number): Promise<number[]> {
    const ids: number[] = [];
    for await (const page of this.client.pages<{ id: number; status: string }>('tickets', [
      'users',
      userId,
      'tickets',
      'assigned',
    ])) {
      for (const t of page) if (t.status !== 'closed' && t.status !== 'solved') ids.push(t.id);
    }
    return ids;
  }

  async downgrade(user: UserSnapshot, _options: ActionOptions): Promise<ActionReport> {
    if (user.role === 'end-user') return this.change(user, true, {}, 'an end user');
    const assigned = await this.assignedTicketIds(user.id);
    const report = await this.change(user, false, { role: 'end-user' }, 'downgraded to end user');
    return { ...report, assigned_ticket_ids: assigned };
  }

  suspend(user: UserSnapshot, _options: ActionOptions): Promise<ActionReport> {
    return this.change(user, user.suspended, { suspended: true }, 'suspended');
  }

  unsuspend(user: UserSnapshot, _options: ActionOptions): Promise<ActionReport> {
    return this.change(user, !user.suspended, { suspended: false }, 'unsuspended');
  }

  /** Soft delete, then (when permanent) permanent delete; resumes from the soft-deleted state. */
  async deprovision(user: UserSnapshot, options: DeprovisionOptions): Promise<ActionReport> {
    await this.refuseProtected(user);
    const requestIds: string[] = [];
    const steps: string[] = [];
    let current: UserSnapshot | null = user;
    if (user.active) {
      try {
        const res = await this.client.http.call<{ user: ZendeskUser }>('DELETE', ['users', user.id]);
        requestIds.push(...res.requestIds);
        current = toSnapshot(res.body.user, null);
        steps.push('soft deleted');
      } catch (error) {
        if (!(error instanceof NotFound)) throw error;
      }
    }
    if (options.permanent) {
      try {
        const res = await this.client.http.call('DELETE', ['deleted_users', user.id]);
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
    return {
      status: 'succeeded',
      before: user,
      after: current,
      request_ids: requestIds,
      detail: steps.join(', then '),
    };
  }

  async transferData(
    user: UserSnapshot,
    destination: UserRef,
    options: ActionOptions,
  ): Promise<ActionReport> {
    const target = await this.client.findUser(destination);
    if (!target || !target.active) {
      throw new LifecycleError(
        'invalid_destination',
        `the transfer destination ${JSON.stringify(destination)} does not exist or was deleted`,
      );
    }
    if (target.id === user.id)
      throw new LifecycleError('invalid_destination', 'the transfer destination is the user itself');
    const { report, requestIds } = await transferRequestedTickets(
      this.client,
      user.id,
      target.id,
      options.idempotency_key,
    );
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
