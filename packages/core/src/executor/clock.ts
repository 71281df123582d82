// Time as a port, so that tests can control it and core stays free of hidden inputs.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
