// Job statuses: bulk work happens after the reply, as Zendesk's does (queued -> working -> completed).
import { notFound, send, type Router } from '../http.js';
import type { JobResult, JobStatus } from '../model.js';
import type { SandboxState } from '../state.js';

export class Jobs {
  private next = 1;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly state: SandboxState,
    private readonly delayMs: number,
  ) {}

  /** Registers a job and runs `work` after the delay; returns the queued status to reply with. */
  start(total: number, work: () => JobResult[]): JobStatus {
    const id = `V3-${(this.next++).toString(16).padStart(8, '0')}`;
    const job: JobStatus = {
      id,
      url: `${this.state.origin()}/api/v2/job_statuses/${id}.json`,
      total,
      progress: 0,
      status: 'queued',
      message: null,
      results: [],
    };
    this.state.jobs.set(id, job);
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
          job.status = 'completed';
          job.message = `Completed at ${new Date().toISOString()}`;
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
    const job = state.jobs.get(ctx.params.id ?? '');
    if (!job) throw notFound();
    send(ctx, 200, { job_status: job });
  });
}
