import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, parsePolicy, type OktaPolicy, type PolicyInput } from '@zendesk-lifecycle/core';
import { oktaTokenDigests } from './hook.js';
import { cloudEventIdOf, mapOktaEvent, type Mapped } from './mapping.js';
import { RecentIds } from './recent-ids.js';

const batch = JSON.parse(readFileSync(new URL('./fixtures/event-batch.json', import.meta.url), 'utf8')) as {
  data: { events: Array<Record<string, unknown> & { uuid: string; eventType: string }> };
};
const fixture = (uuid: string) => structuredClone(batch.data.events.find((e) => e.uuid.startsWith(uuid))!);
const okta = (input: PolicyInput['okta'] = {}): OktaPolicy => parsePolicy({ okta: input }).okta!;
const mapped = (m: Mapped) => {
  if (m.kind !== 'event') throw new Error(`ignored: ${m.reason}`);
  return m.event;
};

describe('Okta System Log event to lifecycle event', () => {
  it('maps the default event types to the lifecycle types, keyed by the login as email', () => {
    const cases: Array<[string, string, string]> = [
      ['a1f0c8e2', 'lifecycle.offboarding.v1', 'alice.leaver@acme.test'],
      ['c3d2eaf4', 'lifecycle.offboarding.v1', 'bob.mover@acme.test'],
      ['e5b40cf6', 'lifecycle.access_revoked.v1', 'carol.review@acme.test'],
      ['f6a51d07', 'lifecycle.rehire.v1', 'carol.review@acme.test'],
      ['07962e18', 'lifecycle.rehire.v1', 'dave.rehire@acme.test'],
      ['18a73f29', 'lifecycle.offboarding.v1', 'erin.gone@acme.test'],
    ];
    for (const [uuid, type, email] of cases) {
      const raw = fixture(uuid);
      const event = mapped(mapOktaEvent(raw, { okta: okta() }));
      expect(event).toMatchObject({ id: cloudEventIdOf(raw.uuid), type, data: { user: { email } } });
      expect(event.time).toBe(raw.published);
    }
    expect(mapped(mapOktaEvent(fixture('18a73f29'), { okta: okta() })).data.actions).toEqual([
      'downgrade',
      'suspend',
      'deprovision',
    ]);
  });

  it('gives the same CloudEvent id for the same uuid, whatever else differs', () => {
    const one = mapped(mapOktaEvent(fixture('a1f0c8e2'), { okta: okta() }));
    const again = fixture('a1f0c8e2');
    again.displayMessage = 'redelivered';
    expect(mapped(mapOktaEvent(again, { okta: okta() })).id).toBe(one.id);
  });

  it('ignores unmapped types, other apps, failed operations, targets without a user, and says why', () => {
    const reason = (raw: unknown, o = okta()) => {
      const m = mapOktaEvent(raw, { okta: o });
      return m.kind === 'ignored' ? m.reason : 'event';
    };
    expect(reason(fixture('b2e1d9f3'))).toBe('unmapped');
    expect(reason(fixture('d4c3fbe5'))).toBe('not_zendesk_app');
    expect(reason(fixture('29b8403a'))).toBe('failed_outcome');
    expect(reason({ ...fixture('a1f0c8e2'), target: [] })).toBe('no_user');
    expect(reason({ ...fixture('a1f0c8e2'), published: 'yesterday' })).toBe('invalid');
    expect(reason('not an event')).toBe('invalid');
  });

  it('falls back to the app user of an app membership event that names no Okta user (email match only)', () => {
    const raw = fixture('c3d2eaf4');
    raw.target = (raw.target as Array<{ type: string }>).filter((t) => t.type !== 'User');
    const event = mapped(mapOktaEvent(raw, { okta: okta() }));
    expect(event.data.user).toEqual({ email: 'bob.mover@acme.test' });
    expect(event.data.reason).toContain('Okta app user id 0ua9b0bAppUserId0h8');
    expect(mapOktaEvent(raw, { okta: okta({ match: 'external_id' }) })).toMatchObject({ reason: 'no_user' });
  });

  it('finds the Zendesk app by its configured id or name', () => {
    const slack = fixture('d4c3fbe5');
    expect(mapOktaEvent(slack, { okta: okta({ zendesk_app: { ids: ['0oa7s1ackAppIdXx0h8'] } }) }).kind).toBe(
      'event',
    );
    expect(mapOktaEvent(slack, { okta: okta({ zendesk_app: { names: ['slack'] } }) }).kind).toBe('event');
    expect(
      mapOktaEvent(fixture('c3d2eaf4'), { okta: okta({ zendesk_app: { names: ['Support'] } }) }).kind,
    ).toBe('ignored');
  });

  it('names the user by Okta id as external id, or by login@login_domain for a login that is not an email', () => {
    const byId = mapped(mapOktaEvent(fixture('a1f0c8e2'), { okta: okta({ match: 'external_id' }) }));
    expect(byId.data.user).toEqual({ external_id: '00u1a1iceQwErTy0h8' });
    expect(byId.subject).toBe('external_id:00u1a1iceQwErTy0h8');

    const short = fixture('a1f0c8e2');
    (short.target as Array<{ alternateId: string }>)[0]!.alternateId = 'aleaver';
    const unmatched = mapOktaEvent(short, { okta: okta() });
    expect(unmatched).toMatchObject({ kind: 'ignored', reason: 'unmatched_login' });
    const withDomain = mapped(mapOktaEvent(short, { okta: okta({ login_domain: 'acme.test' }) }));
    expect(withDomain.data.user).toEqual({ email: 'aleaver@acme.test' });
  });

  it('keeps the Okta user id, login, app and event uuid in the reason, and the actor as requested_by', () => {
    const event = mapped(mapOktaEvent(fixture('c3d2eaf4'), { okta: okta() }));
    expect(event.data.reason).toBe(
      'Okta application.user_membership.remove; Okta user id 00u2b0bMoverId0h8; login bob.mover@acme.test; ' +
        'app Zendesk (0oa5zend3skAppId0h8); System Log event c3d2eaf4-8f4b-11f1-9a01-0b6c1d2e3f43',
    );
    expect(event.data.requested_by).toBe('Okta it.admin@acme.test');
  });

  it('follows the policy: a mapping overridden, a default turned off, a new type added', () => {
    const o = okta({
      source: 'okta/acme',
      events: {
        'user.lifecycle.suspend': { type: 'lifecycle.offboarding.v1' },
        'user.lifecycle.reactivate': false,
        'user.account.lock': { type: 'lifecycle.access_revoked.v1' },
      },
    });
    const suspend = mapped(mapOktaEvent(fixture('e5b40cf6'), { okta: o }));
    expect(suspend).toMatchObject({ type: 'lifecycle.offboarding.v1', source: 'okta/acme' });
    expect(mapOktaEvent(fixture('07962e18'), { okta: o })).toMatchObject({
      kind: 'ignored',
      reason: 'unmapped',
    });
    const lock = { ...fixture('e5b40cf6'), eventType: 'user.account.lock' };
    expect(mapped(mapOktaEvent(lock, { okta: o })).type).toBe('lifecycle.access_revoked.v1');
  });
});

describe('the okta section of the policy', () => {
  it('has the documented defaults and refuses a bad header name', () => {
    expect(okta()).toMatchObject({
      principal: 'okta',
      header: 'authorization',
      source: 'okta',
      match: 'email',
      zendesk_app: { ids: [], names: ['Zendesk'] },
    });
    expect(okta({ header: 'X-Okta-Secret' }).header).toBe('x-okta-secret');
    expect(() => parsePolicy({ okta: { header: 'bad header' } })).toThrow(ConfigError);
    expect(() => parsePolicy({ okta: { events: { 'user.lifecycle.suspend': { type: 'nope' } } } })).toThrow(
      ConfigError,
    );
  });

  it('checks at start-up that the principal exists, has a token and may send what the mapping produces', () => {
    const principal = (extra: Record<string, unknown> = {}) => ({
      credentials: { tokens: [{ env: 'OKTA_HOOK_SECRET' }] },
      sources: ['okta'],
      types: ['lifecycle.offboarding.v1', 'lifecycle.access_revoked.v1', 'lifecycle.rehire.v1'],
      actions: ['downgrade', 'suspend', 'deprovision'],
      ...extra,
    });
    const check = (input: unknown, env: Record<string, string> = { OKTA_HOOK_SECRET: 's3cret' }) => {
      const policy = parsePolicy(input);
      return () => oktaTokenDigests(policy, policy.okta!, env);
    };
    expect(check({ principals: { okta: principal() }, okta: {} })()).toHaveLength(1);
    expect(check({ okta: {} })).toThrow(/no such principal/);
    expect(check({ principals: { okta: principal() }, okta: {} }, {})).toThrow(/OKTA_HOOK_SECRET: not set/);
    expect(check({ principals: { okta: principal({ sources: ['hr'] }) }, okta: {} })).toThrow(/okta.source/);
    expect(check({ principals: { okta: principal({ actions: [] }) }, okta: {} })).toThrow(
      /names the actions downgrade, suspend, deprovision/,
    );
    // Without the deletion's named actions, a principal without actions is enough.
    expect(
      check({
        principals: { okta: principal({ actions: [] }) },
        okta: { events: { 'user.lifecycle.delete.initiated': { type: 'lifecycle.offboarding.v1' } } },
      })(),
    ).toHaveLength(1);
    const hmacOnly = principal({ credentials: { hmac_keys: [{ id: 'k', env: 'OKTA_HOOK_SECRET' }] } });
    expect(check({ principals: { okta: hmacOnly }, okta: {} })).toThrow(/needs a token/);
  });
});

describe('recently published uuids', () => {
  it('remembers ids for the ttl, then forgets them; the oldest make room when full', () => {
    let now = 0;
    const recent = new RecentIds(2, 1000, () => now);
    recent.add('a');
    now = 500;
    recent.add('b');
    expect(recent.has('a') && recent.has('b')).toBe(true);
    now = 1000;
    expect(recent.has('a')).toBe(false);
    expect(recent.has('b')).toBe(true);
    recent.add('c');
    recent.add('d'); // full: b goes
    expect(recent.has('b')).toBe(false);
    expect(recent.has('c') && recent.has('d')).toBe(true);
    expect(recent.size).toBe(2);
  });
});
