// Seat rules from public fields (docs/zendesk-rules.md §9, S9, S14, S15): what is known, and what is reported as unknown.
import { describe, expect, it } from 'vitest';
import type { UserSnapshot } from '@zendesk-lifecycle/core';
import { user as testUser } from '@zendesk-lifecycle/core/testing';
import { entitlementsOf, type CustomRole } from './seats.js';

/** An agent (core's test user), changed by `fields`. */
const user = (fields: Partial<UserSnapshot>): UserSnapshot => testUser({ id: 1, ...fields });

const roles = new Map<number, CustomRole>([
  [7, { id: 7, name: 'Tier 2', role_type: 0 }],
  [8, { id: 8, name: 'Billing admin', role_type: 5 }],
  [9, { id: 9, name: 'Light agent', role_type: 1 }],
]);

describe('seats from public data', () => {
  it('gives agents and admins a paid seat, the custom role named from the custom roles list', () => {
    expect(entitlementsOf(user({ custom_role_id: 7 }), roles)).toMatchObject({
      seat: 'paid',
      paid_seat: 'yes',
      products: { support: 'Tier 2', chat: 'unknown', guide: 'unknown', explore: 'unknown' },
      source: 'user_fields',
    });
    // Since 2021 admins carry role_type 4 and a non-null custom_role_id (S15).
    expect(entitlementsOf(user({ role: 'admin', role_type: 4, custom_role_id: 3 }), roles)).toMatchObject({
      seat: 'paid',
      paid_seat: 'yes',
      products: { support: 'admin' },
    });
    expect(
      entitlementsOf(user({ role: 'admin', role_type: 5, custom_role_id: 8 }), roles).products.support,
    ).toBe('billing_admin');
  });

  it('reports a light agent or contributor as not paid in Support, and their paid seat as unknown', () => {
    // S9: they take a seat when also Chat agents, Guide agents or Explore admins/editors, which the Support API
    // cannot show.
    expect(entitlementsOf(user({ role_type: 1, custom_role_id: 9 }), roles)).toMatchObject({
      seat: 'light_agent',
      paid_seat: 'unknown',
      products: { support: 'light_agent', chat: 'unknown', guide: 'unknown', explore: 'unknown' },
    });
    expect(entitlementsOf(user({ role_type: 3 }), roles)).toMatchObject({
      seat: 'free',
      paid_seat: 'unknown',
      products: { support: 'contributor' },
    });
  });

  it('keeps a suspended agent on a paid seat (only a downgrade frees it, docs/zendesk-rules.md §2)', () => {
    expect(entitlementsOf(user({ suspended: true }), roles)).toMatchObject({
      seat: 'paid',
      paid_seat: 'yes',
      suspended: true,
    });
  });

  it('counts a chat agent (role_type 2) as paid: an agent in Chat takes a seat (S9)', () => {
    expect(entitlementsOf(user({ role_type: 2 }), roles)).toMatchObject({
      seat: 'paid',
      products: { support: 'chat_agent', chat: 'agent' },
    });
  });

  it('gives end users and deleted users no seat', () => {
    expect(entitlementsOf(user({ role: 'end-user', role_type: null }), roles)).toMatchObject({
      seat: 'free',
      paid_seat: 'no',
      products: {},
    });
    expect(entitlementsOf(user({ active: false }), roles).paid_seat).toBe('no');
  });

  it('works without the custom roles list (not an Enterprise account): role_type decides, names fall back', () => {
    expect(entitlementsOf(user({ custom_role_id: 7 }), null)).toMatchObject({
      seat: 'paid',
      products: { support: 'custom_7' },
    });
    expect(entitlementsOf(user({ role_type: null, custom_role_id: 9 }), roles).seat).toBe('light_agent');
    expect(entitlementsOf(user({ role_type: null, custom_role_id: 9 }), null).seat).toBe('paid');
  });
});
