// This instance's share of a budget that several instances spend at once (the account's requests per minute, an
// endpoint bucket such as permanent deletes). Nothing is shared between instances but Zendesk's own answers: each
// answer's `remaining` counts every instance's calls. The share is the smaller of two figures:
//
// - the hint: set by the caller that knows how the work is split, e.g. the consumer's part of its group's
//   partitions, given again on every rebalance;
// - the estimate: how fast `remaining` falls between our answers against how many of those calls were ours.
//   Between two answers, `remaining` falls by everyone's calls; when it rises instead (a window reset, or slots of
//   a sliding window freeing), the sample is dropped. A falling budget under-counts nobody, so the estimate errs
//   only towards a larger share when slots free meanwhile: the hint is what keeps a busy fleet right.
//
// An account-wide 429 that our own figures did not foresee means someone spent more than we counted: the estimate
// grows by one instance, and falls back as answers show the budget falling no faster than our calls.

/** Samples need this many of our answers and this fall of `remaining` before they move the estimate. */
const MIN_ANSWERS = 4;
const MIN_FALL = 8;
const MAX_INSTANCES = 64;

export class FleetShare {
  private hint: number | null = null;
  /** Instances spending the budget, as the answers show them (1: we are alone). */
  private estimate = 1;
  private last: number | null = null;
  private fell = 0;
  private answers = 0;

  /** Our part of the budget, in (0, 1]. */
  share(): number {
    return Math.min(this.hint ?? 1, 1 / this.estimate);
  }

  /** The hint: this instance's part of the work (e.g. 2 of 6 partitions: 1/3; 0: none); null drops it. */
  setHint(share: number | null): void {
    if (share === null) this.hint = null;
    // No work of its own (more instances than partitions): a small share still lets the odd call through.
    else if (Number.isFinite(share) && share >= 0)
      this.hint = Math.min(1, Math.max(1 / MAX_INSTANCES, share));
    else throw new RangeError(`a share of the rate budget is in [0, 1], not ${share}`);
  }

  /** The instances the answers show (rounded), for logs and tests. */
  instances(): number {
    return Math.round(this.estimate * 10) / 10;
  }

  /** One of our answers reported `remaining`. */
  observe(remaining: number): void {
    const last = this.last;
    this.last = remaining;
    if (last === null) return;
    if (remaining > last) {
      // A reset or freed slots: the fall since the last sample says nothing about anyone's rate.
      this.fell = 0;
      this.answers = 0;
      return;
    }
    this.fell += last - remaining;
    this.answers++;
    if (this.answers < MIN_ANSWERS || this.fell < MIN_FALL) return;
    const seen = Math.min(MAX_INSTANCES, Math.max(1, this.fell / this.answers));
    this.estimate = (this.estimate + seen) / 2;
    this.fell = 0;
    this.answers = 0;
  }

  /** An account-wide 429: someone spent more than our share allowed for. */
  limited(): void {
    this.estimate = Math.min(MAX_INSTANCES, Math.max(this.estimate, 1 / this.share()) + 1);
  }
}
