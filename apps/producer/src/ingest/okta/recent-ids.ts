// The Okta event uuids published recently, in this process: a repeated delivery (Okta retries once, and may
// deliver twice) is answered without publishing again. Bounded in size and time; the consumer's deduplication by
// event id covers what this forgets (another instance, a restart, an expired entry).
export class RecentIds {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private expire(now: number): void {
    for (const [id, expires] of this.seen) {
      if (expires > now) break; // insertion order is expiry order: one ttl for all
      this.seen.delete(id);
    }
  }

  has(id: string): boolean {
    this.expire(this.now());
    return this.seen.has(id);
  }

  /** Remembers the id; the oldest entry makes room when full. */
  add(id: string): void {
    const now = this.now();
    this.expire(now);
    this.seen.delete(id);
    if (this.seen.size >= this.capacity) {
      const oldest = this.seen.keys().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
    this.seen.set(id, now + this.ttlMs);
  }

  get size(): number {
    return this.seen.size;
  }
}
