// The ZendeskPort contract, written once and run against every implementation: the in-memory fake (core) and the
// real client over the sandbox (packages/zendesk-client). A fake that behaves otherwise fails here.
import { describe, expect, it } from 'vitest';
import { ActionRefused } from '../../errors/action-refused.js';
import { userStateOf, type UserSnapshot } from '../../model/index.js';
import type { ZendeskPort } from '../../ports/zendesk-port.js';
import type { TransferRules } from '../../rails/transfer-destination.js';

/** A Zendesk to run the contract against, seeded through whatever back door the implementation has. */
export interface ZendeskPortWorld {
  port: ZendeskPort;
  /**
   * Adds a user with a fresh email and external id (an agent with the custom role and groups given); returns it as
   * the port finds it.
   */
  addUser(user: {
    role: 'agent' | 'end-user';
    suspended?: boolean;
    custom_role_id?: number;
    group_ids?: number[];
  }): Promise<UserSnapshot>;
  /** Two groups an agent may be put in, and a custom role (role_type 0, taking an agent seat). */
  groups: readonly [number, number];
  customRoleId: number;
  /** From now on, no agent seat is free (the account bought exactly as many as it uses). */
  useUpSeats(): Promise<void>;
  /** Adds open tickets (not closed) the user requests, or is assigned (requested by someone else). */
  addTickets(userId: number, tickets: { requested?: number; assigned?: number }): Promise<void>;
}

const key = { idempotency_key: 'zl-contract-0-step' };

async function refusal(promise: Promise<unknown>): Promise<ActionRefused> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ActionRefused);
  return error as ActionRefused;
}

/** How the port is configured for a test: the policy's transfer rules (none when absent), read at each transfer. */
export interface ZendeskPortWorldOptions {
  transfer?: TransferRules;
}

/** Runs the ZendeskPort contract; `world` gives a fresh (or freshly seeded) Zendesk for each test. */
export function describeZendeskPortContract(
  name: string,
  world: (options?: ZendeskPortWorldOptions) => Promise<ZendeskPortWorld>,
): void {
  describe(`ZendeskPort contract: ${name}`, () => {
    it('finds a user by id, email or external id, and null when nobody matches', async () => {
      const { port, addUser } = await world();
      const agent = await addUser({ role: 'agent' });
      expect((await port.findUser({ id: agent.id }))?.id).toBe(agent.id);
      expect((await port.findUser({ email: agent.email! }))?.id).toBe(agent.id);
      expect((await port.findUser({ external_id: agent.external_id! }))?.id).toBe(agent.id);
      expect(await port.findUser({ id: 987_654_321 })).toBeNull();
    });

    it('suspends and unsuspends once; a repeat reports already_done and changes nothing', async () => {
      const { port, addUser } = await world();
      const agent = await addUser({ role: 'agent' });
      const suspended = await port.suspend(agent, key);
      expect(suspended).toMatchObject({ status: 'succeeded', after: { id: agent.id, suspended: true } });
      expect((await port.suspend(suspended.after!, key)).status).toBe('already_done');
      const back = await port.unsuspend(suspended.after!, key);
      expect(back).toMatchObject({ status: 'succeeded', after: { suspended: false } });
      expect((await port.unsuspend(back.after!, key)).status).toBe('already_done');
    });

    it('downgrades an agent to an end user once', async () => {
      const { port, addUser } = await world();
      const agent = await addUser({ role: 'agent' });
      const downgraded = await port.downgrade(agent, key);
      expect(downgraded).toMatchObject({
        status: 'succeeded',
        before: { role: 'agent' },
        after: { role: 'end-user' },
      });
      expect((await port.downgrade(downgraded.after!, key)).status).toBe('already_done');
    });

    it('reassigns open assigned tickets before a downgrade, or refuses when nobody can take them', async () => {
      const { port, addUser, addTickets } = await world();
      const agent = await addUser({ role: 'agent' });
      const colleague = await addUser({ role: 'agent' });
      await addTickets(agent.id, { assigned: 2 });
      const refused = await refusal(port.downgrade(agent, { ...key, reassign_to: [] }));
      expect(refused.rule).toBe('no_reassignment_target');
      expect((await port.findUser({ id: agent.id }))?.role).toBe('agent');
      const report = await port.downgrade(agent, { ...key, reassign_to: [{ agent: { id: colleague.id } }] });
      expect(report.status).toBe('succeeded');
      expect(report.reassignment).toMatchObject({ to: { assignee_id: colleague.id }, failed: [] });
      expect(report.reassignment?.moved).toHaveLength(2);
    });

    it('soft deletes once; the deleted user is still found, inactive', async () => {
      const { port, addUser } = await world();
      const user = await addUser({ role: 'end-user' });
      const deleted = await port.deprovision(user, { ...key, permanent: false });
      expect(deleted).toMatchObject({ status: 'succeeded', after: { id: user.id, active: false } });
      const found = await port.findUser({ id: user.id });
      expect(found).toMatchObject({ id: user.id, active: false });
      expect((await port.deprovision(found!, { ...key, permanent: false })).status).toBe('already_done');
    });

    it('deletes permanently once; a repeat reports already_done', async () => {
      const { port, addUser } = await world();
      const user = await addUser({ role: 'end-user' });
      const gone = await port.deprovision(user, { ...key, permanent: true });
      expect(gone).toMatchObject({ status: 'succeeded', after: null });
      const again = await port.deprovision({ ...user, active: false }, { ...key, permanent: true });
      expect(again.status).toBe('already_done');
    });

    it('purges a soft-deleted user once, refuses an active one (not_soft_deleted)', async () => {
      const { port, addUser } = await world();
      const user = await addUser({ role: 'end-user' });
      const active = await refusal(port.purge(user, key));
      expect(active.rule).toBe('not_soft_deleted');
      expect((await port.findUser({ id: user.id }))?.active).toBe(true);
      await port.deprovision(user, { ...key, permanent: false });
      const deleted = await port.findUser({ id: user.id });
      const purged = await port.purge(deleted!, key);
      expect(purged).toMatchObject({ status: 'succeeded', after: null });
      expect(await port.findUser({ id: user.id })).toBeNull();
      expect((await port.purge(deleted!, key)).status).toBe('already_done');
    });

    it('refuses to delete the requester of tickets that are not closed (zendesk_refused_delete)', async () => {
      const { port, addUser, addTickets } = await world();
      const user = await addUser({ role: 'end-user' });
      await addTickets(user.id, { requested: 1 });
      const refused = await refusal(port.deprovision(user, { ...key, permanent: false }));
      expect(refused.rule).toBe('zendesk_refused_delete');
      expect((await port.findUser({ id: user.id }))?.active).toBe(true);
    });

    it('records the group memberships before a downgrade, and restores role, custom role and groups once', async () => {
      const { port, addUser, groups, customRoleId } = await world();
      const agent = await addUser({ role: 'agent', custom_role_id: customRoleId, group_ids: [...groups] });
      const downgraded = await port.downgrade(agent, key);
      expect(downgraded.before).toMatchObject({
        custom_role_id: customRoleId,
        group_ids: [...groups].sort((a, b) => a - b),
      });
      const suspended = await port.suspend(downgraded.after!, key);
      expect(suspended.after).toMatchObject({ role: 'end-user', suspended: true });
      const prior = userStateOf(downgraded.before!);
      const restored = await port.restore(suspended.after!, prior, key);
      expect(restored.status).toBe('succeeded');
      expect(restored.after).toMatchObject({
        role: 'agent',
        custom_role_id: customRoleId,
        suspended: false,
        group_ids: [...groups].sort((a, b) => a - b),
      });
      const found = (await port.findUser({ id: agent.id }))!;
      expect(found).toMatchObject({ role: 'agent', custom_role_id: customRoleId, suspended: false });
      expect((await port.restore(found, prior, key)).status).toBe('already_done');
    });

    it('gives the admin role back only for a principal that may target admins (protected_user)', async () => {
      const { port, addUser } = await world();
      const former = await addUser({ role: 'end-user' });
      const admin = {
        role: 'admin' as const,
        role_type: 4,
        custom_role_id: null,
        suspended: false,
        group_ids: null,
      };
      const refused = await refusal(port.restore(former, admin, key));
      expect(refused.rule).toBe('protected_user');
      expect((await port.findUser({ id: former.id }))?.role).toBe('end-user');
      const restored = await port.restore(former, admin, { ...key, may_target_admins: true });
      expect(restored).toMatchObject({ status: 'succeeded', after: { role: 'admin' } });
    });

    it('restores a soft-deleted user onto a new profile (Zendesk cannot undelete), once', async () => {
      const { port, addUser, customRoleId, groups } = await world();
      const agent = await addUser({ role: 'agent', custom_role_id: customRoleId, group_ids: [...groups] });
      const deleted = await port.deprovision(agent, { ...key, permanent: false });
      // The delete's record holds the memberships it ended: what the re-hire gives back.
      expect(deleted.before?.group_ids).toEqual([...groups].sort((a, b) => a - b));
      const prior = userStateOf(deleted.before!);
      const restored = await port.restore(deleted.after!, prior, key);
      expect(restored.status).toBe('succeeded');
      expect(restored.before).toMatchObject({ id: agent.id, active: false });
      expect(restored.after).toMatchObject({
        email: agent.email,
        external_id: agent.external_id,
        role: 'agent',
        custom_role_id: customRoleId,
        active: true,
        group_ids: [...groups].sort((a, b) => a - b),
      });
      expect(restored.after!.id).not.toBe(agent.id);
      expect((await port.findUser({ id: agent.id }))?.active).toBe(false);
      // Again (a redelivery): the new profile is found, not made twice.
      const again = await port.restore(deleted.after!, prior, key);
      expect(again).toMatchObject({ status: 'already_done', after: { id: restored.after!.id } });
    });

    it('changes nothing when asked to unsuspend a deleted user (restore gives the person a new profile)', async () => {
      const { port, addUser } = await world();
      const agent = await addUser({ role: 'agent', suspended: true });
      const deleted = await port.deprovision(agent, { ...key, permanent: false });
      const report = await port.unsuspend(deleted.after!, key);
      expect(report).toMatchObject({ status: 'already_done', request_ids: [] });
      expect(await port.findUser({ id: agent.id })).toMatchObject({ active: false, suspended: true });
    });

    it('refuses to restore a deleted user nothing identifies (user_deleted)', async () => {
      const { port, addUser } = await world();
      const agent = await addUser({ role: 'agent' });
      const deleted = await port.deprovision(agent, { ...key, permanent: false });
      const anonymous = { ...deleted.after!, email: null, external_id: null };
      const prior = {
        ...userStateOf({ ...agent, group_ids: [] }),
        identity: { name: agent.name, email: null, external_id: null },
      };
      const refused = await refusal(port.restore(anonymous, prior, key));
      expect(refused.rule).toBe('user_deleted');
    });

    it('refuses to give an agent seat back when none is free (no_free_seat), changing nothing', async () => {
      const { port, addUser, customRoleId, useUpSeats } = await world();
      const agent = await addUser({ role: 'agent', custom_role_id: customRoleId });
      const downgraded = await port.downgrade(agent, key);
      await useUpSeats();
      const refused = await refusal(port.restore(downgraded.after!, userStateOf(downgraded.before!), key));
      expect(refused.rule).toBe('no_free_seat');
      expect(refused.message).toMatch(/seat/);
      expect((await port.findUser({ id: agent.id }))?.role).toBe('end-user');
    });

    it('transfers requested tickets to the destination once, then reports already_done', async () => {
      const { port, addUser, addTickets } = await world();
      const leaver = await addUser({ role: 'agent' });
      const manager = await addUser({ role: 'agent' });
      await addTickets(leaver.id, { requested: 3 });
      const moved = await port.transferData(leaver, { id: manager.id }, key);
      expect(moved.status).toBe('succeeded');
      expect(moved.transfer).toMatchObject({ destination_id: manager.id, failed: [] });
      expect(moved.transfer?.moved).toHaveLength(3);
      const again = await port.transferData(leaver, { id: manager.id }, key);
      expect(again.status).toBe('already_done');
      expect(again.transfer?.moved).toEqual([]);
    });

    it('fails a transfer to a destination that does not exist (invalid_destination)', async () => {
      const { port, addUser } = await world();
      const leaver = await addUser({ role: 'agent' });
      await expect(port.transferData(leaver, { id: 987_654_321 }, key)).rejects.toMatchObject({
        code: 'invalid_destination',
        retryable: false,
      });
    });

    it('refuses the leaver itself, a customer, a suspended agent or a deleted user as destination, moving nothing', async () => {
      const { port, addUser, addTickets } = await world();
      const leaver = await addUser({ role: 'agent' });
      const customer = await addUser({ role: 'end-user' });
      const suspended = await addUser({ role: 'agent', suspended: true });
      const deleted = await addUser({ role: 'agent' });
      await port.deprovision(deleted, { ...key, permanent: false });
      await addTickets(leaver.id, { requested: 2 });
      for (const destination of [leaver, customer, suspended, deleted]) {
        const refused = await refusal(port.transferData(leaver, { id: destination.id }, key));
        expect(refused.rule).toBe('destination_not_allowed');
      }
      // Nothing moved: every requested ticket is still there for an allowed destination.
      const manager = await addUser({ role: 'agent' });
      expect((await port.transferData(leaver, { id: manager.id }, key)).transfer?.moved).toHaveLength(2);
    });

    it('follows the policy: never_receive refuses an agent; a service account it names receives, even an end user', async () => {
      // Filled in once the users exist: the port reads its rules at each transfer.
      const transfer: TransferRules = {
        never_receive: { ids: [], emails: [], external_ids: [] },
        service_accounts: { ids: [], emails: [], external_ids: [] },
      };
      const { port, addUser, addTickets } = await world({ transfer });
      const leaver = await addUser({ role: 'agent' });
      const executive = await addUser({ role: 'agent' });
      const archive = await addUser({ role: 'end-user' });
      transfer.never_receive.emails.push(executive.email!.toUpperCase());
      transfer.service_accounts.external_ids.push(archive.external_id!);
      await addTickets(leaver.id, { requested: 2 });
      const refused = await refusal(port.transferData(leaver, { id: executive.id }, key));
      expect(refused.rule).toBe('destination_not_allowed');
      const moved = await port.transferData(leaver, { email: archive.email! }, key);
      expect(moved.transfer).toMatchObject({ destination_id: archive.id, failed: [] });
      expect(moved.transfer?.moved).toHaveLength(2);
    });
  });
}
