// The start-up check of the audit tickets' group and assignee (issue 19), against the sandbox's demo account.
// Zendesk answers GET /api/v2/groups/{group_id} and GET /api/v2/users/{user_id} with 404 for an unknown id (OpenAPI).
import { DEMO_PEOPLE, startSandbox, type RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';
import { createZendeskClient, type ZendeskClient } from '@zendesk-lifecycle/zendesk-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketSettingsProblems } from './audit.js';

let sandbox: RunningSandbox;
let client: ZendeskClient;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0 });
  client = createZendeskClient({
    baseUrl: sandbox.url,
    email: sandbox.credentials.email,
    apiToken: sandbox.credentials.token,
    retry: { retries: 1, initialDelayMs: 10, maxDelayMs: 20 },
  });
});
afterAll(async () => {
  await sandbox.stop();
});

const groupId = (name: string) => [...sandbox.state.groups.values()].find((g) => g.name === name)!.id;

describe('the audit ticket settings checked at start-up', () => {
  it('accepts a group and an agent that exist, and no settings at all', async () => {
    expect(await ticketSettingsProblems(client, {})).toEqual([]);
    expect(
      await ticketSettingsProblems(client, {
        groupId: groupId('Escalations'),
        assigneeId: DEMO_PEOPLE.manager.id,
      }),
    ).toEqual([]);
  });

  it('names every setting Zendesk does not know, in one list', async () => {
    expect(await ticketSettingsProblems(client, { groupId: 999_999, assigneeId: 888_888 })).toEqual([
      'ITSM_TICKET_GROUP_ID 999999: no such group',
      'ITSM_TICKET_ASSIGNEE_ID 888888: no such user',
    ]);
  });

  it('refuses an end user as the assignee', async () => {
    const endUser = [...sandbox.state.users.values()].find((u) => u.role === 'end-user' && u.active)!;
    expect(await ticketSettingsProblems(client, { assigneeId: endUser.id })).toEqual([
      `ITSM_TICKET_ASSIGNEE_ID ${endUser.id}: an end user cannot be assigned tickets`,
    ]);
  });
});
