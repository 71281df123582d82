import { describe, expect, it } from 'vitest';
import { aUser, anOutcome } from '../testing/outcomes.js';
import { checkServiceRequester, refuseRequesterActedOn, requesterIsActedOn } from './service-requester.js';

describe('the audit requester', () => {
  const outcome = anOutcome({ user: aUser({ id: 4242, email: 'Jane.Doe@acme.test' }) });

  it('is refused when it is the user acted on, by email in any case', () => {
    expect(requesterIsActedOn({ email: 'jane.doe@ACME.test' }, outcome, false)).toBe(true);
    expect(() => refuseRequesterActedOn({ email: 'jane.doe@acme.test' }, outcome, true)).toThrow(
      expect.objectContaining({ code: 'audit_requester_is_target', retryable: false }),
    );
  });

  it('is refused when it is the user acted on, by id in the same account', () => {
    expect(requesterIsActedOn({ id: 4242 }, outcome, true)).toBe(true);
  });

  it('is not compared by id with a user of another account', () => {
    expect(requesterIsActedOn({ id: 4242 }, outcome, false)).toBe(false);
  });

  it('is also compared with how the event named the user', () => {
    const missing = anOutcome({
      user: null,
      before: null,
      after: null,
      user_ref: { email: 'bot@acme.test' },
    });
    expect(requesterIsActedOn({ email: 'bot@acme.test' }, missing, true)).toBe(true);
  });

  it('is accepted when it is somebody else', () => {
    expect(() => refuseRequesterActedOn({ email: 'bot@acme.test' }, outcome, true)).not.toThrow();
    expect(() => refuseRequesterActedOn('api_user', outcome, true)).not.toThrow();
  });

  it('must be an email address or a positive id', () => {
    expect(() => checkServiceRequester({ email: 'nobody' })).toThrow(/email address or a positive user id/);
    expect(() => checkServiceRequester({ id: 0 })).toThrow(/email address or a positive user id/);
    expect(() => checkServiceRequester({ email: 'bot@acme.test' })).not.toThrow();
  });
});
