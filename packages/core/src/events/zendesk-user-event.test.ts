import { describe, expect, it } from 'vitest';
import { ZendeskUserEventSchema, userChangeOf } from './zendesk-user-event.js';

// The envelope as Zendesk's webhook event-type reference shows it (values our own).
const envelope = (type: string, event: Record<string, unknown>) => ({
  type: `zen:event-type:user.${type}`,
  account_id: 901,
  id: '5f0c7a54-0000-4000-8000-00000000000a',
  time: '2026-11-30T09:00:00Z',
  zendesk_event_version: '2022-06-20',
  subject: 'zen:user:4201',
  detail: { id: '4201', role: 'agent', email: 'ada@example.com', external_id: '', default_group_id: '0' },
  event,
});

describe('Zendesk user events', () => {
  it('reads role, active and group changes in our words, ids as numbers', () => {
    const role = userChangeOf(
      ZendeskUserEventSchema.parse(envelope('role_changed', { previous: 'end-user', current: 'agent' })),
    );
    expect(role).toEqual({
      event_id: '5f0c7a54-0000-4000-8000-00000000000a',
      user_id: 4201,
      time: '2026-11-30T09:00:00Z',
      role: 'agent',
      change: { kind: 'role', previous: 'end-user', current: 'agent' },
    });
    expect(
      userChangeOf(
        ZendeskUserEventSchema.parse(envelope('active_changed', { previous: true, current: false })),
      ).change,
    ).toEqual({
      kind: 'active',
      previous: true,
      current: false,
    });
    expect(
      userChangeOf(ZendeskUserEventSchema.parse(envelope('group_membership_created', { group_id: '77' })))
        .change,
    ).toEqual({
      kind: 'group_added',
      group_id: 77,
    });
    expect(userChangeOf(ZendeskUserEventSchema.parse(envelope('name_changed', {}))).change).toEqual({
      kind: 'other',
      type: 'zen:event-type:user.name_changed',
    });
  });

  it('refuses what is not a Zendesk user event, naming the field', () => {
    const bad = { ...envelope('role_changed', {}), subject: 'zen:ticket:1' };
    expect(() => ZendeskUserEventSchema.parse(bad)).toThrow(/subject/);
    expect(() =>
      ZendeskUserEventSchema.parse({ ...envelope('x', {}), type: 'zen:event-type:article.published' }),
    ).toThrow(/type/);
  });
});
