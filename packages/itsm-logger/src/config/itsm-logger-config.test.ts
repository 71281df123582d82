import { ConfigError } from '@zendesk-lifecycle/core';
import { describe, expect, it } from 'vitest';
import { itsmLoggerConfigFromEnv } from './itsm-logger-config.js';

const target = {
  ZENDESK_SUBDOMAIN: 'acme',
  ZENDESK_EMAIL: 'bot@acme.com',
  ZENDESK_API_TOKEN: 'target-token',
};

function problemsOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  return '';
}

describe('the audit account from the environment', () => {
  it('is the target account and its API user when no ITSM_ZENDESK_* is set', () => {
    const config = itsmLoggerConfigFromEnv(target);
    expect(config.zendesk).toMatchObject({ origin: 'https://acme.zendesk.com', apiToken: 'target-token' });
    expect(config).toMatchObject({
      separateAccount: false,
      sharesTargetClient: true,
      targetAccountUrl: 'https://acme.zendesk.com',
      requester: { email: 'bot@acme.com' },
      ticket: {},
    });
  });

  it('is a separate account with its own credentials when ITSM_ZENDESK_* names one', () => {
    const config = itsmLoggerConfigFromEnv({
      ...target,
      ITSM_ZENDESK_SUBDOMAIN: 'acme-itsm',
      ITSM_ZENDESK_OAUTH_TOKEN: 'itsm-oauth',
      ITSM_REQUESTER_EMAIL: 'lifecycle-audit@acme.com',
    });
    expect(config.zendesk).toMatchObject({
      origin: 'https://acme-itsm.zendesk.com',
      oauthToken: 'itsm-oauth',
    });
    expect(config.zendesk.apiToken).toBeUndefined();
    expect(config).toMatchObject({
      separateAccount: true,
      sharesTargetClient: false,
      targetAccountUrl: 'https://acme.zendesk.com',
      requester: { email: 'lifecycle-audit@acme.com' },
    });
  });

  it('signs a separate audit account in with its own OAuth client, named ITSM_ZENDESK_* in messages', () => {
    const config = itsmLoggerConfigFromEnv({
      ...target,
      ITSM_ZENDESK_SUBDOMAIN: 'acme-itsm',
      ITSM_ZENDESK_OAUTH_CLIENT_ID: 'audit-client',
      ITSM_ZENDESK_OAUTH_CLIENT_SECRET: 'audit-secret',
    });
    expect(config.zendesk).toMatchObject({
      authKind: 'client_credentials',
      oauthClientId: 'audit-client',
      oauthScopes: 'read write',
      envPrefix: 'ITSM_ZENDESK_',
    });
    expect(config.requester).toBe('api_user');
    expect(
      problemsOf(() => itsmLoggerConfigFromEnv({ ...target, ITSM_ZENDESK_OAUTH_CLIENT_ID: 'audit-client' })),
    ).toMatch(/ITSM_ZENDESK_OAUTH_CLIENT_SECRET: required with ITSM_ZENDESK_OAUTH_CLIENT_ID/);
  });

  it('never lends the target credentials to a separate account', () => {
    expect(problemsOf(() => itsmLoggerConfigFromEnv({ ...target, ITSM_ZENDESK_SUBDOMAIN: 'other' }))).toMatch(
      /ITSM_ZENDESK_OAUTH_CLIENT_ID: set ITSM_ZENDESK_OAUTH_CLIENT_ID \+ ITSM_ZENDESK_OAUTH_CLIENT_SECRET \(OAuth\), or ITSM_ZENDESK_OAUTH_TOKEN, or ITSM_ZENDESK_EMAIL \+ ITSM_ZENDESK_API_TOKEN \(legacy\)/,
    );
  });

  it('is the target account under another API user when only ITSM_ZENDESK_ credentials are set', () => {
    const config = itsmLoggerConfigFromEnv({
      ...target,
      ITSM_ZENDESK_EMAIL: 'audit@acme.com',
      ITSM_ZENDESK_API_TOKEN: 'audit-token',
    });
    expect(config.zendesk).toMatchObject({ origin: 'https://acme.zendesk.com', email: 'audit@acme.com' });
    expect(config).toMatchObject({ separateAccount: false, sharesTargetClient: false });
    expect(config.requester).toEqual({ email: 'audit@acme.com' });
  });

  it('requests as "the API user" when only an OAuth token names it', () => {
    const config = itsmLoggerConfigFromEnv({
      ZENDESK_BASE_URL: 'http://127.0.0.1:4010',
      ZENDESK_OAUTH_TOKEN: 't',
    });
    expect(config.requester).toBe('api_user');
  });

  it('names every wrong variable at once', () => {
    const problems = problemsOf(() =>
      itsmLoggerConfigFromEnv({
        ZENDESK_SUBDOMAIN: 'acme',
        ITSM_REQUESTER_EMAIL: 'not an email',
        ITSM_TICKET_GROUP_ID: 'x',
      }),
    );
    expect(problems).toMatch(/ZENDESK_API_TOKEN/);
    expect(problems).toMatch(/ITSM_REQUESTER_EMAIL/);
    expect(problems).toMatch(/ITSM_TICKET_GROUP_ID/);
  });
});
