// The in-memory fakes held to the ports' contracts, the same suites the real adapters run with the sandbox.
import { describeAuditPortContract } from './contracts/audit-port.contract.js';
import { describeZendeskPortContract } from './contracts/zendesk-port.contract.js';
import { MemoryAudit, MemoryZendesk, user } from './fakes.js';

describeZendeskPortContract('MemoryZendesk', async (options) => {
  const zendesk = new MemoryZendesk([], options?.transfer);
  let nextId = 100;
  let nextTicket = 5000;
  const tickets = (count = 0) => Array.from({ length: count }, () => nextTicket++);
  return {
    port: zendesk,
    groups: [11, 12],
    customRoleId: 777,
    async useUpSeats() {
      zendesk.freeAgentSeats = 0;
    },
    async addUser({ role, suspended = false, custom_role_id, group_ids }) {
      const id = nextId++;
      const added = user({
        id,
        role,
        role_type: role === 'agent' ? 0 : null,
        custom_role_id: custom_role_id ?? null,
        suspended,
        external_id: `E-${id}`,
      });
      zendesk.users.set(id, added);
      if (group_ids) zendesk.groups.set(id, group_ids);
      return added;
    },
    async addTickets(userId, { requested, assigned }) {
      zendesk.requested.set(userId, [...(zendesk.requested.get(userId) ?? []), ...tickets(requested)]);
      zendesk.assigned.set(userId, [...(zendesk.assigned.get(userId) ?? []), ...tickets(assigned)]);
    },
  };
});

const trail = new MemoryAudit();
describeAuditPortContract('MemoryAudit', async () => trail);
