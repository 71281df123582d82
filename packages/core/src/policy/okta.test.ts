import { describe, expect, it } from 'vitest';
import { parsePolicy } from './policy.js';
import { DEFAULT_OKTA_EVENTS, oktaMappings, oktaNeeds } from './okta.js';

describe("the policy's okta section", () => {
  it('is absent unless configured, and then maps the documented defaults', () => {
    expect(parsePolicy({}).okta).toBeUndefined();
    const okta = parsePolicy({ okta: {} }).okta!;
    expect(Object.fromEntries(oktaMappings(okta))).toEqual(DEFAULT_OKTA_EVENTS);
    expect(oktaMappings(okta).get('application.user_membership.remove')).toEqual({
      type: 'lifecycle.offboarding.v1',
      zendesk_app_only: true,
    });
    expect(oktaNeeds(okta)).toEqual({
      types: ['lifecycle.offboarding.v1', 'lifecycle.access_revoked.v1', 'lifecycle.rehire.v1'],
      actions: ['downgrade', 'suspend', 'deprovision'],
    });
  });

  it('merges the policy over the defaults; false removes a default', () => {
    const okta = parsePolicy({
      okta: {
        events: {
          'user.lifecycle.delete.initiated': { type: 'lifecycle.offboarding.v1' },
          'user.lifecycle.unsuspend': false,
          'user.account.lock': { type: 'lifecycle.access_revoked.v1', actions: ['suspend'] },
        },
      },
    }).okta!;
    const mappings = oktaMappings(okta);
    expect(mappings.has('user.lifecycle.unsuspend')).toBe(false);
    expect(mappings.get('user.lifecycle.delete.initiated')).toEqual({
      type: 'lifecycle.offboarding.v1',
      zendesk_app_only: false,
    });
    expect(oktaNeeds(okta).actions).toEqual(['suspend']);
  });

  it('refuses unknown fields and lifecycle types', () => {
    expect(() => parsePolicy({ okta: { secret: 'x' } })).toThrow(/okta/);
    expect(() =>
      parsePolicy({ okta: { events: { 'user.lifecycle.suspend': { type: 'lifecycle.nope.v1' } } } }),
    ).toThrow(/okta\.events/);
  });
});
