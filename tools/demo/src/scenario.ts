// The demo's short story: one event per workflow, plus one invalid event from a misbehaving upstream.
import { createLifecycleEvent, type LifecycleEvent } from '@zendesk-lifecycle/core';
import type { DEMO_PEOPLE } from '@zendesk-lifecycle/zendesk-sandbox';

type People = typeof DEMO_PEOPLE;

export interface ScenarioEvent {
  title: string;
  event: LifecycleEvent;
}

const SOURCE = 'demo/hr-system';

export function scenario(people: People): ScenarioEvent[] {
  const ev = (
    title: string,
    input: Omit<Parameters<typeof createLifecycleEvent>[0], 'source'>,
  ): ScenarioEvent => ({
    title,
    event: createLifecycleEvent({ source: SOURCE, requested_by: 'hr-ops@acme.test', ...input }),
  });
  return [
    ev(`${people.leaver.name} leaves: tickets to ${people.manager.name}, then deprovision`, {
      type: 'lifecycle.offboarding.v1',
      user: { email: people.leaver.email },
      transfer_to: { email: people.manager.email },
      reason: 'left the company',
    }),
    ev(`Access review revokes ${people.reviewed.name}`, {
      type: 'lifecycle.access_revoked.v1',
      user: { email: people.reviewed.email },
      reason: 'Q4 access review: no longer needs Zendesk',
    }),
    ev(`${people.inactive.name} has not signed in for months: licence reclaimed`, {
      type: 'lifecycle.inactivity.v1',
      user: { email: people.inactive.email },
      reason: 'no sign-in for 90 days',
    }),
    ev(`${people.rehire.name} is re-hired`, {
      type: 'lifecycle.rehire.v1',
      user: { email: people.rehire.email },
      reason: 'returned from leave',
    }),
  ];
}

/** What a misbehaving upstream might publish: a known type with a broken user reference. */
export function invalidEventJson(): string {
  return JSON.stringify({
    specversion: '1.0',
    id: 'demo-invalid-1',
    source: SOURCE,
    type: 'lifecycle.offboarding.v1',
    data: { user: { email: 'not-an-email' } },
  });
}
