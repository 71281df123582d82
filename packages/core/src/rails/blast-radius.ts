// The blast-radius limit: at most N destructive actions per sliding window. A rogue upstream that floods
// deprovisions is stopped here; the consumer holds the rest of the events instead of acting on them.
import type { ActionName } from '../model/actions.js';

export interface BlastRadiusSettings {
  max_actions: number;
  window_seconds: number;
  actions: ActionName[];
}

type Admission = { admitted: true } | { admitted: false; retryAfterMs: number };

export class BlastRadiusLimiter {
  private readonly taken: number[] = [];

  constructor(private readonly settings: BlastRadiusSettings) {}

  counts(action: ActionName): boolean {
    return this.settings.actions.includes(action);
  }

  /** Takes one slot for a destructive action at `now`, or says when the next slot frees up. */
  admit(action: ActionName, now: number): Admission {
    if (!this.counts(action)) return { admitted: true };
    const windowMs = this.settings.window_seconds * 1000;
    while (this.taken.length > 0 && this.taken[0]! <= now - windowMs) this.taken.shift();
    if (this.taken.length < this.settings.max_actions) {
      this.taken.push(now);
      return { admitted: true };
    }
    return { admitted: false, retryAfterMs: this.taken[0]! + windowMs - now };
  }

  /** Gives back a slot taken for an action that turned out to change nothing (already done, dry run). */
  release(action: ActionName): void {
    if (this.counts(action)) this.taken.pop();
  }
}
