// The ticket mechanics the actions share: a user's requested or assigned tickets, read to the end, and changes
// applied through update_many in jobs of 100, each job polled with a deadline, with a result per ticket.
import { setTimeout as sleep } from 'node:timers/promises';
import { LifecycleError } from '@zendesk-lifecycle/core';
import type { ZendeskApi } from '../api/zendesk-api.js';

export interface JobStatus {
  id: string;
  status: 'queued' | 'working' | 'completed' | 'failed' | 'killed';
  results?: Array<{ id: number; success?: boolean; error?: string; details?: string; status?: string }>;
  message?: string | null;
}

/** Polls a job until it ends, within the deadline (else the retryable `job_timeout`). */
export async function waitForJob(api: ZendeskApi, id: string, deadlineMs: number): Promise<JobStatus> {
  const deadline = Date.now() + deadlineMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
    const job = (await api.showJob<JobStatus>(id)).body;
    if (job.status === 'completed' || job.status === 'failed' || job.status === 'killed') return job;
    if (Date.now() + delay > deadline)
      throw new LifecycleError('job_timeout', `job ${id} did not finish in time`, { retryable: true });
    await sleep(delay);
  }
}

/** Every ticket the user requested or is assigned (id and status), whatever the number. */
export async function userTickets(
  api: ZendeskApi,
  userId: number,
  kind: 'requested' | 'assigned',
): Promise<Array<{ id: number; status: string }>> {
  const tickets: Array<{ id: number; status: string }> = [];
  for await (const page of api.pages<{ id: number; status: string }>('tickets', [
    'users',
    userId,
    'tickets',
    kind,
  ])) {
    for (const t of page) tickets.push({ id: t.id, status: t.status });
  }
  return tickets;
}

/** What update_many did to one ticket: changed, or the error Zendesk (or the job) gave. */
export type TicketUpdate = { id: number; ok: true } | { id: number; ok: false; error: string };

/** Applies `changes` to the tickets, 100 per update_many job; one result per ticket, in order. */
export async function updateTicketsInJobs(
  api: ZendeskApi,
  ticketIds: number[],
  changes: Record<string, unknown>,
): Promise<{ updates: TicketUpdate[]; requestIds: string[] }> {
  const updates: TicketUpdate[] = [];
  const requestIds: string[] = [];
  for (let i = 0; i < ticketIds.length; i += 100) {
    const ids = ticketIds.slice(i, i + 100);
    const res = await api.updateManyTickets<JobStatus>(ids, changes);
    requestIds.push(...res.requestIds);
    const job = await waitForJob(api, res.body.id, api.config.transferJobTimeoutMs);
    const results = new Map((job.results ?? []).map((r) => [r.id, r]));
    for (const id of ids) {
      const result = results.get(id);
      if (result?.success) updates.push({ id, ok: true });
      else
        updates.push({
          id,
          ok: false,
          error: result ? `${result.error ?? 'failed'}: ${result.details ?? ''}` : `job ${job.status}`,
        });
    }
  }
  return { updates, requestIds };
}
