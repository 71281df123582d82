// Moves every ticket a user requested to another requester: streamed, batched by 100 through update_many,
// each job polled with a deadline. Closed tickets cannot change and are reported as skipped.
import { setTimeout as sleep } from 'node:timers/promises';
import { LifecycleError, type TransferReport } from '@zendesk-lifecycle/core';
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

export async function transferRequestedTickets(
  api: ZendeskApi,
  fromId: number,
  toId: number,
): Promise<{ report: TransferReport; requestIds: string[] }> {
  const report: TransferReport = { destination_id: toId, moved: [], skipped: [], failed: [] };
  const requestIds: string[] = [];
  const movable: number[] = [];
  for await (const page of api.pages<{ id: number; status: string }>('tickets', [
    'users',
    fromId,
    'tickets',
    'requested',
  ])) {
    for (const t of page) {
      if (t.status === 'closed')
        report.skipped.push({ id: t.id, reason: 'closed tickets cannot be updated' });
      else movable.push(t.id);
    }
  }
  for (let i = 0; i < movable.length; i += 100) {
    const ids = movable.slice(i, i + 100);
    const res = await api.updateManyTickets<JobStatus>(ids, { requester_id: toId });
    requestIds.push(...res.requestIds);
    const job = await waitForJob(api, res.body.id, api.config.transferJobTimeoutMs);
    const results = new Map((job.results ?? []).map((r) => [r.id, r]));
    for (const id of ids) {
      const result = results.get(id);
      if (result?.success) report.moved.push(id);
      else if (result && /closed/i.test(`${result.error ?? ''} ${result.details ?? ''}`))
        report.skipped.push({ id, reason: 'closed tickets cannot be updated' });
      else
        report.failed.push({
          id,
          error: result ? `${result.error ?? 'failed'}: ${result.details ?? ''}` : `job ${job.status}`,
        });
    }
  }
  return { report, requestIds };
}
