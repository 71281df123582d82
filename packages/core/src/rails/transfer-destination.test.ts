// Who may receive a leaver's tickets: core's one rule, asked by the Zendesk client and the fake before any move.
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../policy/policy.js';
import { user } from '../testing/fakes.js';
import { destinationRefusal, type TransferRules } from './transfer-destination.js';

const leaver = user({ id: 1 });
const rules: TransferRules = {
  never_receive: { ids: [], emails: ['ceo@acme.test'], external_ids: [] },
  service_accounts: { ids: [], emails: [], external_ids: ['ARCHIVE'] },
};

describe('destinationRefusal', () => {
  it('lets active, unsuspended agents and admins receive', () => {
    expect(destinationRefusal(leaver, user({ id: 2 }))).toBeNull();
    expect(destinationRefusal(leaver, user({ id: 3, role: 'admin', role_type: 4 }))).toBeNull();
    expect(destinationRefusal(leaver, user({ id: 4, role_type: 1 }))).toBeNull();
  });

  it('refuses the leaver itself, a deleted user, a suspended agent and a customer', () => {
    expect(destinationRefusal(leaver, leaver)).toMatch(/the leaver itself/);
    expect(destinationRefusal(leaver, user({ id: 2, active: false }))).toMatch(/was deleted/);
    expect(destinationRefusal(leaver, user({ id: 3, suspended: true }))).toMatch(/is suspended/);
    expect(destinationRefusal(leaver, user({ id: 4, role: 'end-user', role_type: null }))).toMatch(
      /end user \(a customer\)/,
    );
  });

  it('refuses who the policy bars, and lets the service accounts it names receive whatever their role', () => {
    expect(destinationRefusal(leaver, user({ id: 5, email: 'CEO@acme.test' }), rules)).toMatch(
      /transfer\.never_receive/,
    );
    const archive = user({ id: 6, role: 'end-user', role_type: null, external_id: 'archive' });
    expect(destinationRefusal(leaver, archive, rules)).toBeNull();
    expect(destinationRefusal(leaver, { ...archive, suspended: true }, rules)).toMatch(/suspended/);
    const barredToo = { ...rules, never_receive: { ...rules.never_receive, external_ids: ['ARCHIVE'] } };
    expect(destinationRefusal(leaver, archive, barredToo)).toMatch(/never_receive/);
  });

  it('is configured by the policy, empty by default', () => {
    expect(parsePolicy({}).transfer).toEqual({
      never_receive: { ids: [], emails: [], external_ids: [] },
      service_accounts: { ids: [], emails: [], external_ids: [] },
    });
    expect(
      parsePolicy({ transfer: { service_accounts: { emails: ['archive@acme.test'] } } }).transfer
        .service_accounts.emails,
    ).toEqual(['archive@acme.test']);
    expect(() => parsePolicy({ transfer: { never_recieve: {} } })).toThrow(/never_recieve/);
    expect(() => parsePolicy({ transfer: { service_accounts: { emails: ['not an email'] } } })).toThrow(
      /service_accounts/,
    );
  });
});
