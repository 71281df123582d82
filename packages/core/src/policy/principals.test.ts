// Principals in the policy: validation (credentials by name or hash, the matrix as a ceiling) and authorization.
import { describe, expect, it } from 'vitest';
import { createLifecycleEvent, type NewEvent } from '../events/build-event.js';
import { parseEventObject } from '../events/parse-event.js';
import type { LifecycleEvent } from '../events/schemas.js';
import { planEvent } from '../planner/plan.js';
import { buildResultEvent } from '../results/result-event.js';
import { defaultPolicy, parsePolicy } from './policy.js';
import { authorizeEvent, principalRefOf } from './principals.js';

const workday = {
  credentials: {
    tokens: [{ env: 'INGEST_TOKEN_WORKDAY' }],
    hmac_keys: [{ id: 'wd-2026-11', env: 'WD_KEY' }],
  },
  sources: ['hr/workday'],
  types: ['lifecycle.offboarding.v1', 'lifecycle.rehire.v1'],
};
const okta = {
  credentials: { tokens: [{ sha256: 'a'.repeat(64) }] },
  sources: ['idp/*'],
  types: ['lifecycle.access_revoked.v1'],
  actions: ['suspend', 'deprovision'],
  may_target_admins: true,
};
const policy = parsePolicy({
  principals: { workday, okta },
  direct_publishers: { sources: ['hr/kafka'], types: ['lifecycle.license_reclaim.v1'] },
});

const event = (input: Partial<NewEvent> & Pick<NewEvent, 'type'>, principal?: string): LifecycleEvent => {
  const built = createLifecycleEvent({ source: 'hr/workday', user: { id: 10 }, id: 'e-1', ...input });
  return principal === undefined ? built : { ...built, authtype: 'service_account', authid: principal };
};

describe('principals in the policy', () => {
  it('keeps today behaviour without any: the default principal and direct publishers may do anything', () => {
    const open = defaultPolicy();
    const offboarding = event({
      type: 'lifecycle.offboarding.v1',
      source: 'anything',
      actions: ['deprovision'],
    });
    expect(authorizeEvent(open, offboarding, 'default')).toEqual({ ok: true });
    expect(authorizeEvent(open, offboarding, null)).toEqual({ ok: true });
    expect(open.default_principal).toMatchObject({ may_target_admins: false });
  });

  it('refuses secrets in the policy, a principal without credentials and an action the matrix never allows', () => {
    expect(() =>
      parsePolicy({ principals: { x: { ...workday, credentials: { tokens: [{ token: 'secret' }] } } } }),
    ).toThrow(/principals\.x\.credentials\.tokens/);
    expect(() => parsePolicy({ principals: { x: { ...workday, credentials: {} } } })).toThrow(
      /needs a token or an HMAC key/,
    );
    expect(() =>
      parsePolicy({
        principals: { x: { ...okta, types: ['lifecycle.access_revoked.v1'], actions: ['downgrade'] } },
      }),
    ).toThrow(/principals\.x\.actions: downgrade is not allowed by the workflow matrix/);
    expect(() =>
      parsePolicy({
        principals: {
          a: workday,
          b: { ...okta, credentials: { hmac_keys: [{ id: 'wd-2026-11', env: 'OTHER' }] } },
        },
      }),
    ).toThrow(/key id "wd-2026-11" is also used/);
    expect(() => parsePolicy({ principals: { default: workday } })).toThrow(/default_principal/);
    expect(
      parsePolicy({ principals: { default: workday }, default_principal: false }).principals.default,
    ).toBeDefined();
  });

  it('lets a principal send what its rights name, and refuses anything else with the reason', () => {
    expect(authorizeEvent(policy, event({ type: 'lifecycle.offboarding.v1' }, 'workday'))).toEqual({
      ok: true,
    });
    expect(
      authorizeEvent(policy, event({ type: 'lifecycle.offboarding.v1', source: 'hr/other' }, 'workday')),
    ).toEqual({
      ok: false,
      reason: 'principal "workday" may not use source "hr/other"',
    });
    expect(authorizeEvent(policy, event({ type: 'lifecycle.access_revoked.v1' }, 'workday'))).toEqual({
      ok: false,
      reason: 'principal "workday" may not send lifecycle.access_revoked.v1',
    });
    expect(
      authorizeEvent(policy, event({ type: 'lifecycle.offboarding.v1', actions: ['suspend'] }, 'workday')),
    ).toEqual({ ok: false, reason: 'principal "workday" may not name data.actions' });
    expect(authorizeEvent(policy, event({ type: 'lifecycle.offboarding.v1' }, 'mallory'))).toEqual({
      ok: false,
      reason: 'unknown principal "mallory"',
    });
  });

  it('matches source prefixes and lets a principal name only its own actions', () => {
    const revoke = (actions: NewEvent['actions']) =>
      event({ type: 'lifecycle.access_revoked.v1', source: 'idp/okta', actions }, 'okta');
    expect(authorizeEvent(policy, revoke(['suspend']))).toEqual({ ok: true });
    expect(authorizeEvent(policy, revoke(['suspend', 'unsuspend']))).toEqual({
      ok: false,
      reason: 'principal "okta" may not ask for unsuspend in a lifecycle.access_revoked.v1 event',
    });
    expect(authorizeEvent(policy, { ...revoke(undefined), source: 'idpx' }).ok).toBe(false);
  });

  it('leaves the matrix to the planner, which refuses and audits an action the workflow forbids', () => {
    const hr = parsePolicy({
      principals: {
        hr: {
          credentials: { tokens: [{ env: 'HR_TOKEN' }] },
          sources: ['hr'],
          types: ['lifecycle.offboarding.v1', 'lifecycle.access_revoked.v1'],
          actions: ['downgrade'],
        },
      },
    });
    const revoke = event({ type: 'lifecycle.access_revoked.v1', source: 'hr', actions: ['downgrade'] }, 'hr');
    expect(authorizeEvent(hr, revoke)).toEqual({ ok: true });
    expect(planEvent(revoke, hr).steps[0]!.refusal).toMatchObject({ rule: 'workflow_matrix' });
  });

  it('holds events without authcontext to the direct publishers rights', () => {
    expect(
      authorizeEvent(policy, event({ type: 'lifecycle.license_reclaim.v1', source: 'hr/kafka' })),
    ).toEqual({
      ok: true,
    });
    expect(authorizeEvent(policy, event({ type: 'lifecycle.offboarding.v1', source: 'hr/kafka' }))).toEqual({
      ok: false,
      reason: 'a direct publisher (no authcontext) may not send lifecycle.offboarding.v1',
    });
  });

  it('turns the default principal off', () => {
    const off = parsePolicy({ default_principal: false });
    expect(authorizeEvent(off, event({ type: 'lifecycle.offboarding.v1' }, 'default'))).toEqual({
      ok: false,
      reason: 'unknown principal "default"',
    });
  });
});

describe('the authcontext extension', () => {
  it('is parsed from a structured event and refused with an unknown authtype', () => {
    const base = createLifecycleEvent({ type: 'lifecycle.rehire.v1', source: 's', user: { id: 1 } });
    const parsed = parseEventObject({ ...base, authtype: 'service_account', authid: 'okta' });
    expect(parsed.ok && principalRefOf(parsed.event)).toEqual({
      authtype: 'service_account',
      authid: 'okta',
    });
    expect(parseEventObject({ ...base, authtype: 'root', authid: 'okta' }).ok).toBe(false);
  });

  it('puts the principal and whether it may target admins on the plan, and the principal in the result', () => {
    const plan = planEvent(
      event({ type: 'lifecycle.access_revoked.v1', source: 'idp/okta' }, 'okta'),
      policy,
    );
    expect(plan.principal).toEqual({ authtype: 'service_account', authid: 'okta', may_target_admins: true });
    expect(planEvent(event({ type: 'lifecycle.offboarding.v1' }, 'workday'), policy).principal).toMatchObject(
      {
        may_target_admins: false,
      },
    );
    expect(planEvent(event({ type: 'lifecycle.license_reclaim.v1' }), policy).principal).toBeNull();
    const at = new Date('2026-12-01T00:00:00Z');
    const result = buildResultEvent(
      plan,
      { status: 'completed', steps: [], zendesk_user_id: null },
      { source: 'test', startedAt: at, finishedAt: at },
    );
    expect(result.data.principal).toEqual({ authtype: 'service_account', authid: 'okta' });
  });
});
