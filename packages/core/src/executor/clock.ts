// Time as a port, so that tests can control it and core stays free of hidden inputs.
/** Where the executor reads the time (inject one in tests). */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };
