// Job statuses: bulk work happens after the reply (queued -> working -> completed, or failed when every item
// failed, results kept), at most N jobs queued or working at once, job data forgotten after a day (S1, S5, S17).
import { notFound, send, type Router } from '../http.js';
import { tooManyRequests } from '../limits.js';
import type { JobResult, JobStatus } from '../model.js';
import type { SandboxState } from '../state.js';

/** S5: the current docs keep job data for one day. */
export const JOB_RETENTION_MS = 24 * 60 * 60 * 1000;

export class Jobs {
  private next = 1;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly state: SandboxState,
    private readonly delayMs: number,
    /** Jobs queued or working at once (0 = no limit). */
    private readonly maxRunning = 0,
  ) {}

  private running(): number {
    let n = 0;
    for (const job of this.state.jobs.values()) if (job.status === 'queued' || job.status === 'working') n++;
    return n;
  }

  /** Registers a job and runs `work` after the delay; returns the queued status to reply with. */
  start(jobType: string, total: number, work: () => JobResult[]): JobStatus {
    if (this.maxRunning > 0 && this.running() >= this.maxRunning) {
      // S1: "Only a certain number of jobs can be queued or running at the same time" (30, docs/zendesk-rules.md §5). The
      // body is the sandbox's own: Zendesk's is not documented.
      throw tooManyRequests(
        Math.max(1, Math.ceil((this.delayMs * 2) / 1000)),
        `Too many jobs are queued or running (limit ${this.maxRunning}); try again later`,
      );
    }
    const id = `V3-${(this.next++).toString(16).padStart(8, '0')}`;
    const job: JobStatus = {
      id,
      url: `${this.state.origin()}/api/v2/job_statuses/${id}.json`,
      job_type: jobType,
      total,
      progress: 0,
      status: 'queued',
      message: null,
      results: [],
    };
    this.state.jobs.set(id, job);
    this.state.jobCreatedAt.set(id, Date.now());
    const later = (ms: number, fn: () => void) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        fn();
      }, ms);
      this.timers.add(timer);
    };
    later(this.delayMs, () => {
      job.status = 'working';
      later(this.delayMs, () => {
        try {
          job.results = work();
          job.progress = total;
          // S17 #98: a job whose every item failed ends "failed", its results kept.
          const allFailed = job.results.length > 0 && job.results.every((r) => r.error !== undefined);
          job.status = allFailed ? 'failed' : 'completed';
          job.message = `${allFailed ? 'Failed' : 'Completed'} at ${new Date().toISOString()}`;
        } catch (error) {
          job.status = 'failed';
          job.message = (error as Error).message;
        }
      });
    });
    return { ...job };
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }
}

export function jobRoutes(router: Router, state: SandboxState): void {
  router.on('GET /job_statuses/:id', (ctx) => {
    const id = ctx.params.id ?? '';
    const job = state.jobs.get(id);
    const created = state.jobCreatedAt.get(id) ?? 0;
    if (!job || Date.now() - created > JOB_RETENTION_MS) throw notFound();
    send(ctx, 200, { job_status: job });
  });
}
