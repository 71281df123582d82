// Test helpers of @zendesk-lifecycle/core/testing: the in-memory fakes of core's ports, and the contract suites
// every implementation of a port (fake or real adapter) runs.
export { MemoryAudit, MemoryZendesk, user } from './fakes.js';
export {
  describeZendeskPortContract,
  type ZendeskPortWorld,
  type ZendeskPortWorldOptions,
} from './contracts/zendesk-port.contract.js';
export { contractOutcome, describeAuditPortContract } from './contracts/audit-port.contract.js';
