// The real client held to core's ZendeskPort contract with the sandbox: the same suite the in-memory fake runs
// (the sandbox follows Zendesk: a requester of open tickets cannot be deleted, docs/zendesk-rules.md §4, S10).
import {
  DEMO_PEOPLE,
  STAFF_ROLE_ID,
  startSandbox,
  type RunningSandbox,
} from '@zendesk-lifecycle/zendesk-sandbox';
import { describeZendeskPortContract } from '@zendesk-lifecycle/core/testing';
import { afterAll, beforeAll } from 'vitest';
import { createZendeskClient } from './index.js';

let sandbox: RunningSandbox;
let counter = 0;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 'demo', rpm: 0, jobDelayMs: 2 });
});
afterAll(async () => {
  await sandbox.stop();
});

describeZendeskPortContract('ZendeskActions over the sandbox', async (options) => {
  sandbox.reset('demo');
  const client = createZendeskClient({
    baseUrl: sandbox.url,
    email: sandbox.credentials.email,
    apiToken: sandbox.credentials.token,
    accountOwnerId: DEMO_PEOPLE.owner.id,
  });
  const port = client.asPort({ ...(options?.transfer ? { transfer: options.transfer } : {}) });
  return {
    port,
    // The demo's Support and Escalations groups, and its Staff custom role (role_type 0: a paid seat).
    groups: [1, 2],
    customRoleId: STAFF_ROLE_ID,
    async useUpSeats() {
      sandbox.state.agentSeats = sandbox.state.paidSeatsInUse();
    },
    async addUser({ role, suspended = false, custom_role_id, group_ids = [] }) {
      counter += 1;
      const added = sandbox.state.addUser({
        name: `Contract User ${counter}`,
        email: `contract.user${counter}@acme.test`,
        external_id: `CONTRACT-${counter}`,
        role,
        suspended,
        ...(custom_role_id === undefined ? {} : { custom_role_id }),
      });
      for (const groupId of group_ids) sandbox.state.addMembership(added.id, groupId);
      return (await port.findUser({ id: added.id }))!;
    },
    async addTickets(userId, { requested = 0, assigned = 0 }) {
      for (let i = 0; i < requested; i++)
        sandbox.state.addTicket({ subject: `requested ${i}`, requester_id: userId, status: 'open' });
      for (let i = 0; i < assigned; i++)
        sandbox.state.addTicket({
          subject: `assigned ${i}`,
          requester_id: DEMO_PEOPLE.manager.id,
          assignee_id: userId,
          status: 'open',
        });
    },
  };
});
