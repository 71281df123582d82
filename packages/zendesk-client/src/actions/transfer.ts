// Moves every ticket a user requested to another requester (bulk-tickets.ts does the jobs). Closed tickets
// cannot change and are reported as skipped.
import type { TransferReport } from '@zendesk-lifecycle/core';
import type { ZendeskApi } from '../api/zendesk-api.js';
import { updateTicketsInJobs, userTickets } from './bulk-tickets.js';

const CLOSED = 'closed tickets cannot be updated';

export async function transferRequestedTickets(
  api: ZendeskApi,
  fromId: number,
  toId: number,
): Promise<{ report: TransferReport; requestIds: string[] }> {
  const report: TransferReport = { destination_id: toId, moved: [], skipped: [], failed: [] };
  const movable: number[] = [];
  for (const t of await userTickets(api, fromId, 'requested')) {
    if (t.status === 'closed') report.skipped.push({ id: t.id, reason: CLOSED });
    else movable.push(t.id);
  }
  const { updates, requestIds } = await updateTicketsInJobs(api, movable, { requester_id: toId });
  for (const u of updates) {
    if (u.ok) report.moved.push(u.id);
    // Closed since it was listed: it cannot change any more.
    else if (/closed/i.test(u.error)) report.skipped.push({ id: u.id, reason: CLOSED });
    else report.failed.push({ id: u.id, error: u.error });
  }
  return { report, requestIds };
}
