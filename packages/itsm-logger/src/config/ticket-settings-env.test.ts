import { ConfigError } from '@zendesk-lifecycle/core';
import { describe, expect, it } from 'vitest';
import { requesterFromEnv, ticketSettingsFromEnv } from './ticket-settings-env.js';

describe('audit ticket settings from the environment', () => {
  it('are empty when nothing is set', () => {
    expect(ticketSettingsFromEnv({})).toEqual({});
  });

  it('read group, brand, form, assignee, priorities, tags and custom fields', () => {
    const settings = ticketSettingsFromEnv({
      ITSM_TICKET_GROUP_ID: '11',
      ITSM_TICKET_BRAND_ID: '22',
      ITSM_TICKET_FORM_ID: '33',
      ITSM_TICKET_ASSIGNEE_ID: '44',
      ITSM_TICKET_PRIORITY: 'Low',
      ITSM_TICKET_ATTENTION_PRIORITY: 'urgent',
      ITSM_TICKET_TAGS: 'sox, evidence lifecycle',
      ITSM_TICKET_CUSTOM_FIELDS: '{"900":true,"360001":"lifecycle"}',
    });
    expect(settings).toEqual({
      groupId: 11,
      brandId: 22,
      ticketFormId: 33,
      assigneeId: 44,
      priority: 'low',
      attentionPriority: 'urgent',
      extraTags: ['sox', 'evidence', 'lifecycle'],
      customFields: [
        { id: 900, value: true },
        { id: 360001, value: 'lifecycle' },
      ],
    });
  });

  it('name every wrong variable at once', () => {
    let error: unknown;
    try {
      ticketSettingsFromEnv({
        ITSM_TICKET_GROUP_ID: 'support',
        ITSM_TICKET_PRIORITY: 'asap',
        ITSM_TICKET_CUSTOM_FIELDS: '[1,2]',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/ITSM_TICKET_GROUP_ID: expected a Zendesk id/);
    expect(problems).toMatch(/ITSM_TICKET_PRIORITY: expected one of low, normal, high, urgent/);
    expect(problems).toMatch(/ITSM_TICKET_CUSTOM_FIELDS: expected a JSON object/);
  });
});

describe('the audit requester from the environment', () => {
  it('is ITSM_REQUESTER_EMAIL when set', () => {
    const env = { ITSM_REQUESTER_EMAIL: 'audit-bot@acme.test', ITSM_REQUESTER_NAME: 'Audit bot' };
    expect(requesterFromEnv(env, 'api@acme.test')).toEqual({
      email: 'audit-bot@acme.test',
      name: 'Audit bot',
    });
  });

  it('defaults to the API user', () => {
    expect(requesterFromEnv({}, 'api@acme.test')).toEqual({ email: 'api@acme.test' });
    expect(requesterFromEnv({}, null)).toBe('api_user');
  });

  it('can be a user id', () => {
    expect(requesterFromEnv({ ITSM_REQUESTER_ID: '123' }, 'api@acme.test')).toEqual({ id: 123 });
  });

  it('refuses something that is not an email address', () => {
    expect(() => requesterFromEnv({ ITSM_REQUESTER_EMAIL: 'audit team' }, null)).toThrow(
      /ITSM_REQUESTER_EMAIL: expected an email address/,
    );
  });
});
