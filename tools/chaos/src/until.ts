// Every wait in the chaos suite has a deadline, and a wait that runs out fails with what it was waiting for and
// how far it got, rather than hanging until the test runner's own timeout.

export class WaitTimeout extends Error {
  constructor(what: string, ms: number, state: string) {
    super(`gave up after ${Math.round(ms / 1000)} s waiting for ${what}${state ? ` (${state})` : ''}`);
    this.name = 'WaitTimeout';
  }
}

/**
 * Polls `done` every `everyMs` until it holds; throws WaitTimeout naming `what` (and `state()`, the progress
 * so far) once `timeoutMs` has passed.
 */
export async function until(
  what: string,
  done: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; everyMs?: number; state?: () => string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (!(await done())) {
    if (Date.now() >= deadline) throw new WaitTimeout(what, options.timeoutMs, options.state?.() ?? '');
    await new Promise((r) => setTimeout(r, options.everyMs ?? 100));
  }
}
