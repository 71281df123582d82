// Core's one protection rule (the executor's and the Zendesk client's): owner, service user, policy lists, admins.
import { describe, expect, it } from 'vitest';
import { user } from '../testing/fakes.js';
import { protectionOf, type ProtectedUsers } from './protected-users.js';

const known: ProtectedUsers = { ids: [], emails: [], external_ids: [], account_owner_id: 1 };

describe('protectionOf', () => {
  it('protects the account owner, by flag or by the configured id, whatever the principal may do', () => {
    expect(protectionOf(user({ id: 1, role: 'admin' }), known, { may_target_admins: true })).toMatch(
      /account owner/,
    );
    expect(protectionOf(user({ id: 9, is_account_owner: true }), known)).toMatch(/account owner/);
  });

  it("protects the service's own Zendesk users", () => {
    const rules = { ...known, service_user_ids: [7] };
    expect(protectionOf(user({ id: 7 }), rules)).toMatch(/service's own Zendesk user/);
    expect(protectionOf(user({ id: 8 }), rules)).toBeNull();
  });

  it('protects policy users by id, email or external id, case-insensitively (Zendesk compares external ids so)', () => {
    const rules = { ...known, ids: [3], emails: ['VIP@acme.test'], external_ids: ['hr-4'] };
    expect(protectionOf(user({ id: 3 }), rules)).toMatch(/protected by policy/);
    expect(protectionOf(user({ id: 5, email: 'vip@ACME.test' }), rules)).toMatch(/protected by policy/);
    expect(protectionOf(user({ id: 6, external_id: 'HR-4' }), rules)).toMatch(/protected by policy/);
    expect(protectionOf(user({ id: 10 }), rules)).toBeNull();
  });

  it('protects admins unless the principal may target admins', () => {
    const admin = user({ id: 20, role: 'admin', role_type: 4 });
    expect(protectionOf(admin, known)).toMatch(/admin, and whoever asked may not target admins/);
    expect(protectionOf(admin, known, { may_target_admins: false })).not.toBeNull();
    expect(protectionOf(admin, known, { may_target_admins: true })).toBeNull();
    expect(protectionOf(user({ id: 21, role: 'agent' }), known)).toBeNull();
  });

  it('refuses every admin when the owner is not known: an unknown owner never waves an admin through', () => {
    const admin = user({ id: 20, role: 'admin', role_type: 4 });
    for (const unknown of [
      { ids: [], emails: [], external_ids: [] },
      { ...known, account_owner_id: null },
    ]) {
      expect(protectionOf(admin, unknown, { may_target_admins: true })).toMatch(/account owner is not known/);
      expect(protectionOf(user({ id: 21, role: 'agent' }), unknown)).toBeNull();
    }
  });
});
