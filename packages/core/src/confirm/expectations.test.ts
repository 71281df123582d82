import { describe, expect, it } from 'vitest';
import type { UserSnapshot } from '../model/users.js';
import { userChangeOf, ZendeskUserEventSchema } from '../events/zendesk-user-event.js';
import {
  confirms,
  expectationOf,
  givesAccessBack,
  isDrift,
  reapplyActionsOf,
  removalsOf,
  reversesRemoval,
  stateAgrees,
  type Removal,
} from './expectations.js';

/** A Zendesk user event as its webhook posts it (developer.zendesk.com, Webhook event types). */
function zendeskEvent(type: string, event: Record<string, unknown>, role = 'end-user') {
  return userChangeOf(
    ZendeskUserEventSchema.parse({
      type: `zen:event-type:user.${type}`,
      id: 'ev-1',
      account_id: 1,
      time: '2026-12-01T10:00:00Z',
      zendesk_event_version: '2022-06-20',
      subject: 'zen:user:42',
      detail: { id: '42', role, email: 'a@example.com', external_id: '' },
      event,
    }),
  ).change;
}

const user = (overrides: Partial<UserSnapshot> = {}): UserSnapshot => ({
  id: 42,
  name: 'A',
  email: 'a@example.com',
  external_id: null,
  role: 'agent',
  role_type: null,
  custom_role_id: null,
  suspended: false,
  active: true,
  last_login_at: null,
  ...overrides,
});

describe('what a step expects', () => {
  it('expects nothing of a step that changed nothing, a purge or a transfer', () => {
    expect(expectationOf('downgrade', 'already_done')).toBeNull();
    expect(expectationOf('downgrade', 'failed')).toBeNull();
    expect(expectationOf('purge', 'succeeded')).toBeNull();
    expect(expectationOf('transfer_data', 'succeeded')).toBeNull();
  });

  it('a downgrade is confirmed by the role becoming end-user, not by anything else', () => {
    const exp = expectationOf('downgrade', 'succeeded')!;
    expect(confirms(exp, zendeskEvent('role_changed', { previous: 'agent', current: 'end-user' }))).toBe(
      true,
    );
    expect(confirms(exp, zendeskEvent('role_changed', { previous: 'end-user', current: 'agent' }))).toBe(
      false,
    );
    expect(confirms(exp, zendeskEvent('active_changed', { previous: true, current: false }))).toBe(false);
  });

  it('suspend, unsuspend, deprovision and restore each expect their own change', () => {
    const suspended = zendeskEvent('suspended_changed', { previous: false, current: true });
    const unsuspended = zendeskEvent('suspended_changed', { previous: true, current: false });
    const deleted = zendeskEvent('active_changed', { previous: true, current: false });
    const promoted = zendeskEvent('role_changed', { previous: 'end-user', current: 'admin' });
    expect(confirms(expectationOf('suspend', 'succeeded')!, suspended)).toBe(true);
    expect(confirms(expectationOf('suspend', 'succeeded')!, unsuspended)).toBe(false);
    expect(confirms(expectationOf('unsuspend', 'succeeded')!, unsuspended)).toBe(true);
    expect(confirms(expectationOf('deprovision', 'succeeded')!, deleted)).toBe(true);
    expect(confirms(expectationOf('deprovision', 'succeeded')!, suspended)).toBe(false);
    expect(confirms(expectationOf('restore', 'succeeded')!, promoted)).toBe(true);
    expect(confirms(expectationOf('restore', 'succeeded')!, unsuspended)).toBe(true);
  });

  it('reads Zendesk state back: a removal agrees with a user gone, a reversal does not', () => {
    const downgrade = expectationOf('downgrade', 'succeeded')!;
    expect(stateAgrees(downgrade, user({ role: 'end-user' }))).toBe(true);
    expect(stateAgrees(downgrade, user({ role: 'agent' }))).toBe(false);
    expect(stateAgrees(downgrade, null)).toBe(true);
    const suspend = expectationOf('suspend', 'succeeded')!;
    expect(stateAgrees(suspend, user({ suspended: true }))).toBe(true);
    expect(stateAgrees(suspend, user({ suspended: false }))).toBe(false);
    const deprovision = expectationOf('deprovision', 'succeeded')!;
    expect(stateAgrees(deprovision, user({ active: false }))).toBe(true);
    expect(stateAgrees(deprovision, user())).toBe(false);
    expect(stateAgrees(expectationOf('unsuspend', 'succeeded')!, null)).toBe(false);
    expect(stateAgrees(expectationOf('unsuspend', 'succeeded')!, user())).toBe(true);
  });
});

describe('drift', () => {
  const removal: Removal = {
    at: '2026-11-01T10:00:00Z',
    actions: ['downgrade', 'suspend'],
    source_event: { id: 'e1', source: 'hr', type: 'lifecycle.offboarding.v1' },
  };
  const promoted = zendeskEvent('role_changed', { previous: 'end-user', current: 'agent' }, 'agent');

  it('only changes that give access back count', () => {
    expect(givesAccessBack(promoted)).toBe(true);
    expect(givesAccessBack(zendeskEvent('suspended_changed', { previous: true, current: false }))).toBe(true);
    expect(givesAccessBack(zendeskEvent('active_changed', { previous: false, current: true }))).toBe(true);
    expect(givesAccessBack(zendeskEvent('group_membership_created', { group_id: '7' }))).toBe(true);
    expect(givesAccessBack(zendeskEvent('role_changed', { previous: 'agent', current: 'admin' }))).toBe(
      false,
    );
    expect(givesAccessBack(zendeskEvent('role_changed', { previous: 'agent', current: 'end-user' }))).toBe(
      false,
    );
    expect(givesAccessBack(zendeskEvent('suspended_changed', { previous: false, current: true }))).toBe(
      false,
    );
  });

  it('is access given back to a user we removed within the horizon', () => {
    const at = (time: string) => ({ change: promoted, eventTime: time, removal, horizonDays: 90 });
    expect(isDrift(at('2026-12-01T10:00:00Z'))).toBe(true);
    expect(isDrift(at('2027-03-01T10:00:00Z'))).toBe(false);
    expect(isDrift({ ...at('2026-12-01T10:00:00Z'), removal: null })).toBe(false);
    // Zendesk's whole seconds: the same second as the removal is after it, a second before is not.
    const removedAtMs = { ...removal, at: '2026-11-01T10:00:00.700Z' };
    expect(isDrift({ ...at('2026-11-01T10:00:00Z'), removal: removedAtMs })).toBe(true);
    expect(isDrift({ ...at('2026-11-01T09:59:59Z'), removal: removedAtMs })).toBe(false);
  });

  it('reapplies what was undone, at least a suspension, never a purge', () => {
    expect(reapplyActionsOf(promoted, removal)).toEqual(['downgrade', 'suspend']);
    const unsuspended = zendeskEvent('suspended_changed', { previous: true, current: false });
    expect(reapplyActionsOf(unsuspended, { ...removal, actions: ['suspend'] })).toEqual(['suspend']);
    expect(reapplyActionsOf(promoted, { ...removal, actions: ['deprovision', 'purge'] })).toEqual([
      'suspend',
    ]);
  });

  it('reads removals and reversals from result steps', () => {
    expect(
      removalsOf([
        { action: 'transfer_data', outcome: 'succeeded' },
        { action: 'downgrade', outcome: 'succeeded' },
        { action: 'suspend', outcome: 'already_done' },
        { action: 'deprovision', outcome: 'refused' },
      ]),
    ).toEqual(['downgrade', 'suspend']);
    expect(reversesRemoval([{ action: 'unsuspend', outcome: 'succeeded' }])).toBe(true);
    expect(reversesRemoval([{ action: 'unsuspend', outcome: 'failed' }])).toBe(false);
  });
});
