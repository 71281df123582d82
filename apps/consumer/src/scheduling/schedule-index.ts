// What waits in the scheduled-steps topic, derived from the topic alone: entries by id, cancellation markers by
// user, per partition. Kafka is the source of truth; this index is rebuilt from the topic on every start and
// rebalance, and it decides which entries are due (or cancelled by a later marker) at a given time. Pure.
import type { CancelMarker, EntryKind, ScheduledEntry, ScheduledRecord } from './entries.js';

export interface IndexedEntry {
  id: string;
  partition: number;
  offset: string;
  entry: ScheduledEntry;
}

/** An entry to act on now: `due` (its time has come) or `cancel` (a re-hire marker newer than the entry). */
export interface Firing extends IndexedEntry {
  phase: 'due' | 'cancel';
  /** For `cancel`: the marker that called it off. */
  marker?: CancelMarker;
}

export interface ScheduleCounts {
  kind: EntryKind;
  state: 'waiting' | 'overdue';
  count: number;
}

const time = (iso: string) => Date.parse(iso);

export class ScheduleIndex {
  private readonly entries = new Map<string, IndexedEntry>();
  private readonly markers = new Map<string, { partition: number; marker: CancelMarker }>();
  /** Partitions read up to their end at least once since assignment: only those fire. */
  private readonly caughtUp = new Set<number>();
  /** Entries fired by this instance whose tombstone has not been read back yet: never fired twice from here. */
  private readonly inFlight = new Set<string>();

  /** Applies one record of `partition`, in offset order. */
  apply(partition: number, offset: string, record: ScheduledRecord): void {
    if (record.kind === 'entry') {
      this.entries.set(record.id, { id: record.id, partition, offset, entry: record.entry });
      this.inFlight.delete(record.id);
    } else if (record.kind === 'marker') {
      this.markers.set(record.userKey, { partition, marker: record.marker });
    } else if (record.kind === 'tombstone') {
      this.entries.delete(record.id);
      this.inFlight.delete(record.id);
      if (record.id.startsWith('cancel:')) this.markers.delete(record.id.slice('cancel:'.length));
    }
  }

  /** The partition has been read to its end: its entries may fire from now on. */
  markCaughtUp(partition: number): void {
    this.caughtUp.add(partition);
  }

  /** Whether the partition's entries may fire (read to its end since it was assigned or fenced again). */
  isCaughtUp(partition: number): boolean {
    return this.caughtUp.has(partition);
  }

  /** Nothing of the partition fires until it is read to its end again (after its producer failed or was fenced). */
  markBehind(partition: number): void {
    this.caughtUp.delete(partition);
  }

  /** Keeps only the partitions now assigned (after a rebalance); none fires until it is read to its end again. */
  assign(partitions: readonly number[]): void {
    const keep = new Set(partitions);
    for (const [id, e] of this.entries) if (!keep.has(e.partition)) this.entries.delete(id);
    for (const [user, m] of this.markers) if (!keep.has(m.partition)) this.markers.delete(user);
    // Every assigned partition is read again (and synced) before its entries fire.
    this.caughtUp.clear();
    this.inFlight.clear();
  }

  /** A marker of the entry's user written after the entry was created cancels it. */
  cancellingMarker(entry: ScheduledEntry): CancelMarker | undefined {
    const m = this.markers.get(entry.user.key)?.marker;
    return m && time(m.at) > time(entry.created_at) ? m : undefined;
  }

  /** What to fire at `now`: cancellations first, then due entries, earliest first; none twice. */
  firings(now: Date): Firing[] {
    const out: Firing[] = [];
    for (const e of this.entries.values()) {
      if (!this.caughtUp.has(e.partition) || this.inFlight.has(e.id)) continue;
      const marker = this.cancellingMarker(e.entry);
      if (marker) out.push({ ...e, phase: 'cancel', marker });
      else if (time(e.entry.due_at) <= now.getTime()) out.push({ ...e, phase: 'due' });
    }
    return out.sort(
      (a, b) =>
        Number(b.phase === 'cancel') - Number(a.phase === 'cancel') ||
        time(a.entry.due_at) - time(b.entry.due_at),
    );
  }

  /** Fired by this instance: not fired again until its tombstone (or a new version of it) is read. */
  markFired(id: string): void {
    this.inFlight.add(id);
  }

  /** Waiting (not due yet) and overdue (due, still in the topic) entries, by kind. */
  counts(now: Date): ScheduleCounts[] {
    const out: ScheduleCounts[] = [];
    for (const kind of ['effective', 'purge'] as const)
      for (const state of ['waiting', 'overdue'] as const) out.push({ kind, state, count: 0 });
    for (const e of this.entries.values()) {
      if (this.inFlight.has(e.id)) continue;
      const state = time(e.entry.due_at) > now.getTime() ? 'waiting' : 'overdue';
      out.find((c) => c.kind === e.entry.kind && c.state === state)!.count++;
    }
    return out;
  }

  /** Every entry waiting, for the CLI and tests. */
  list(): IndexedEntry[] {
    return [...this.entries.values()].sort((a, b) => time(a.entry.due_at) - time(b.entry.due_at));
  }
}
