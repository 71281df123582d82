// Waiting for Ctrl-C (SIGINT) or SIGTERM, the way every long-running command of this repository stops.
// The handlers stay installed after the first signal: through `npm run`, Ctrl-C delivers SIGINT twice (the
// terminal signals the whole foreground process group, and scripts/run.mjs passes it on as well), and a second
// signal with no handler left would kill the process in the middle of its shutdown, orphaning what it started.

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Resolves with the first SIGINT or SIGTERM; later ones are ignored (the shutdown under way continues). */
export function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let first: NodeJS.Signals | undefined;
    for (const signal of STOP_SIGNALS) {
      process.on(signal, () => {
        if (first) return;
        first = signal;
        resolve(signal);
      });
    }
  });
}
