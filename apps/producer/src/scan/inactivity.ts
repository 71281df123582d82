// scan-inactive: one inactivity event per agent whose last login is older than N days (or never), skipping whom
// core's protection rule protects (the owner, protected users, and admins: the scan's events carry no principal
// that may target them) and the service identity (the API user, `/users/me`): its
// last_login_at moves with every API-token call (OAuth calls are not documented to, docs/zendesk-rules.md §1): it says nothing.
import {
  createLifecycleEvent,
  protectionOf,
  type LifecycleEvent,
  type Policy,
  type UserRef,
} from '@zendesk-lifecycle/core';
import type { ZendeskClient } from '@zendesk-lifecycle/zendesk-client';

export async function findInactive(options: {
  zendesk: ZendeskClient;
  days: number;
  policy: Policy;
  transferTo?: UserRef;
  now?: Date;
}): Promise<LifecycleEvent[]> {
  const now = options.now ?? new Date();
  const cutoff = now.getTime() - options.days * 86_400_000;
  const events: LifecycleEvent[] = [];
  const service = await options.zendesk.serviceUser();
  for await (const { user, status } of options.zendesk.listAccounts()) {
    if (status !== 'active' || user.id === service.id) continue;
    if (protectionOf(user, options.policy.protected_users)) continue;
    const last = user.last_login_at ? Date.parse(user.last_login_at) : null;
    if (last !== null && last >= cutoff) continue;
    events.push(
      createLifecycleEvent({
        type: 'lifecycle.inactivity.v1',
        source: 'zendesk-lifecycle/scan-inactive',
        id: `inactive-${user.id}-${now.toISOString().slice(0, 10)}`,
        user: { id: user.id },
        reason:
          last === null
            ? 'never signed in'
            : `no sign-in for ${Math.floor((now.getTime() - last) / 86_400_000)} days`,
        requested_by: 'zendesk-lifecycle/scan-inactive',
        ...(options.transferTo ? { transfer_to: options.transferTo } : {}),
        extra: {
          last_login_at: user.last_login_at,
          ...(last === null ? {} : { inactive_days: Math.floor((now.getTime() - last) / 86_400_000) }),
        },
      }),
    );
  }
  return events;
}
