// The blast radius: how much the service may do per window, every action weighed (policy `blast_radius`). A rogue
// upstream that floods offboardings is stopped here: the action that would take the window's weight over
// `max_weight` trips the brake, and from then on nothing acts (the events wait) until an operator releases it.
// BrakeLedger is the rule, applied to a totally ordered log of ticks (one per counted action) and state changes:
// every reader of the same log reaches the same verdict for every tick, so exactly one tick trips the brake.
// InMemoryBrake applies it to one process's own log; the consumer shares one through Kafka (apps/consumer).
import type { ActionName } from '../model/actions.js';
import type { BrakeAdmission, BrakePort, BrakeRequest } from '../ports/brake-port.js';
import { systemClock, type Clock } from '../executor/clock.js';

/**
 * What each action weighs unless the policy says otherwise. Partial on purpose: an action added later without a
 * weight here weighs DEFAULT_WEIGHT.
 */
export const DEFAULT_ACTION_WEIGHTS: Readonly<Partial<Record<ActionName, number>>> = {
  deprovision: 10,
  purge: 10,
  downgrade: 3,
  suspend: 2,
  transfer_data: 1,
  unsuspend: 1,
  restore: 1,
};

/** The weight of an action that neither the policy nor DEFAULT_ACTION_WEIGHTS names. */
export const DEFAULT_WEIGHT = 1;

/** The brake's settings: the sliding window, the most weight it admits, weights per action. */
export interface BlastRadiusSettings {
  window_seconds: number;
  /** The most the actions of one window may weigh together; the action that would go over trips the brake. */
  max_weight: number;
  /** Weight per action (the defaults merged with the policy's). */
  weights: Partial<Record<ActionName, number>>;
}

/** What an action weighs for the brake under these settings. */
export function weightOf(settings: BlastRadiusSettings, action: ActionName): number {
  return settings.weights[action] ?? DEFAULT_ACTION_WEIGHTS[action] ?? DEFAULT_WEIGHT;
}

/** One counted action, as written to the brake's log. */
export interface BrakeTick {
  id: string;
  instance: string;
  action: ActionName;
  weight: number;
  event_id: string;
  /** When it was asked for (ISO 8601): the window is measured on these. */
  at: string;
}

/** The brake holds: since when, why, by how much. */
export interface TrippedState {
  tripped: true;
  at: string;
  by_instance: string;
  /** The tick that would have gone over. */
  tick: string;
  /** What the window weighed with that tick. */
  window_weight: number;
}

/** The brake admits actions (again). */
export interface ReleasedState {
  tripped: false;
  released_at: string;
  released_by: string;
  reason: string;
}

/** The brake's state: tripped or released. */
export type BrakeState = TrippedState | ReleasedState;

/** An entry of the brake's log, in log order. A tombstone removes a tick (expired, or refunded). */
export type BrakeEntry =
  | { kind: 'tick'; tick: BrakeTick }
  | { kind: 'tombstone'; id: string }
  | { kind: 'state'; state: BrakeState };

/** What the log says about one tick, decided when it is read and never changed. */
export type TickVerdict =
  | { verdict: 'admitted' }
  /** This tick went over: it trips the brake (the reader that wrote it records the trip). */
  | { verdict: 'trips'; trip: TrippedState }
  /** The brake was already tripped: not counted, not done. */
  | { verdict: 'held'; trip: TrippedState };

interface Counted {
  tick: BrakeTick;
  at: number;
  /** Position in the log: only ticks after the last release count. */
  seq: number;
  counts: boolean;
}

const ms = (iso: string): number => new Date(iso).getTime();

/** The window's weight: in total and per action. */
export interface WindowWeight {
  total: number;
  by_action: Partial<Record<ActionName, number>>;
}

/** The brake's rule applied to its log, entry by entry. Pure: the caller supplies the log and the time. */
export class BrakeLedger {
  private readonly ticks = new Map<string, Counted>();
  private readonly verdicts = new Map<string, TickVerdict>();
  private seq = 0;
  private releasedAt = -1;
  private trip: TrippedState | null = null;
  private lastRelease: ReleasedState | null = null;

  constructor(private readonly settings: BlastRadiusSettings) {}

  private get windowMs(): number {
    return this.settings.window_seconds * 1000;
  }

  /** Applies the next entry of the log; for a tick, its verdict. */
  apply(entry: BrakeEntry): TickVerdict | undefined {
    this.seq += 1;
    if (entry.kind === 'tombstone') {
      this.ticks.delete(entry.id);
      this.verdicts.delete(entry.id);
      return undefined;
    }
    if (entry.kind === 'state') {
      this.applyState(entry.state);
      return undefined;
    }
    return this.applyTick(entry.tick);
  }

  private applyState(state: BrakeState): void {
    if (!state.tripped) {
      this.trip = null;
      this.releasedAt = this.seq;
      this.lastRelease = state;
      return;
    }
    // A trip recorded for a tick from before the last release is stale (it was released already). Once that tick
    // has been removed (ticks before a release are), its time says so: it was asked for before the release.
    const tick = this.ticks.get(state.tick);
    if (tick && tick.seq < this.releasedAt) return;
    if (!tick && this.lastRelease && ms(state.at) <= ms(this.lastRelease.released_at)) return;
    this.trip = state;
  }

  private applyTick(tick: BrakeTick): TickVerdict {
    const known = this.verdicts.get(tick.id);
    if (known) return known;
    const at = ms(tick.at);
    const counted: Counted = { tick, at, seq: this.seq, counts: false };
    this.ticks.set(tick.id, counted);
    let verdict: TickVerdict;
    if (this.trip) {
      verdict = { verdict: 'held', trip: this.trip };
    } else {
      // Every admitted tick before this one in the log counts unless it has aged out, even one stamped later than
      // this (instances stamp before writing, the broker orders): the log's order is the only one all readers share.
      const weight = this.weightSince(at - this.windowMs, Number.POSITIVE_INFINITY).total + tick.weight;
      if (weight > this.settings.max_weight) {
        this.trip = {
          tripped: true,
          at: tick.at,
          by_instance: tick.instance,
          tick: tick.id,
          window_weight: weight,
        };
        verdict = { verdict: 'trips', trip: this.trip };
      } else {
        counted.counts = true;
        verdict = { verdict: 'admitted' };
      }
    }
    this.verdicts.set(tick.id, verdict);
    return verdict;
  }

  /** The weight of the admitted ticks after the last release with `from < at <= to`. */
  private weightSince(from: number, to: number): WindowWeight {
    const result: WindowWeight = { total: 0, by_action: {} };
    for (const c of this.ticks.values()) {
      if (!c.counts || c.seq < this.releasedAt || c.at <= from || c.at > to) continue;
      result.total += c.tick.weight;
      result.by_action[c.tick.action] = (result.by_action[c.tick.action] ?? 0) + c.tick.weight;
    }
    return result;
  }

  /** The verdict the log gave this tick, if it has been read (and not removed since). */
  verdictOf(id: string): TickVerdict | undefined {
    return this.verdicts.get(id);
  }

  /** The trip in force, or null. */
  get tripped(): TrippedState | null {
    return this.trip;
  }

  /** The last release read, or null. */
  get released(): ReleasedState | null {
    return this.lastRelease;
  }

  /** What the window ending `now` weighs. */
  windowWeight(now: Date): WindowWeight {
    const t = now.getTime();
    return this.weightSince(t - this.windowMs, Number.POSITIVE_INFINITY);
  }

  /**
   * Ticks that no longer count at `now` and may be removed from the log: older than the window, or from before the
   * last release. None while tripped: the ticks that tripped it are the trip's evidence until it is released.
   */
  expired(now: Date, instance?: string): BrakeTick[] {
    if (this.trip) return [];
    const from = now.getTime() - this.windowMs;
    return [...this.ticks.values()]
      .filter((c) => (c.at <= from || c.seq < this.releasedAt) && (!instance || c.tick.instance === instance))
      .map((c) => c.tick);
  }

  /** How many ticks the ledger holds (for tests and status). */
  get size(): number {
    return this.ticks.size;
  }
}

/** The reason an execution holds, for logs, /readyz and the result. */
export function heldReason(trip: TrippedState): string {
  return (
    `the brake is tripped: the actions of the last window would have weighed ${trip.window_weight} ` +
    `(tick ${trip.tick} from ${trip.by_instance} at ${trip.at}); an operator releases it ` +
    '(npm run consumer -- brake release --reason "...")'
  );
}

/**
 * The brake within one process (tests, a single instance without Kafka): the same rule on a log kept in memory.
 * Once tripped it holds until `release` is called.
 */
export class InMemoryBrake implements BrakePort {
  readonly ledger: BrakeLedger;
  private next = 0;

  constructor(
    settings: BlastRadiusSettings,
    private readonly options: { clock?: Clock; instance?: string; retryAfterMs?: number } = {},
  ) {
    this.ledger = new BrakeLedger(settings);
  }

  held(): Extract<BrakeAdmission, { admitted: false }> | null {
    const trip = this.ledger.tripped;
    return trip
      ? { admitted: false, reason: heldReason(trip), retryAfterMs: this.options.retryAfterMs ?? 5_000 }
      : null;
  }

  admit(request: BrakeRequest): Promise<BrakeAdmission> {
    const retryAfterMs = this.options.retryAfterMs ?? 5_000;
    const held = this.held();
    if (held) return Promise.resolve(held);
    if (request.weight === 0) return Promise.resolve({ admitted: true });
    const now = (this.options.clock ?? systemClock).now();
    for (const tick of this.ledger.expired(now)) this.ledger.apply({ kind: 'tombstone', id: tick.id });
    this.next += 1;
    const tick: BrakeTick = {
      id: `t${this.next}`,
      instance: this.options.instance ?? 'local',
      action: request.action,
      weight: request.weight,
      event_id: request.event_id,
      at: now.toISOString(),
    };
    const verdict = this.ledger.apply({ kind: 'tick', tick });
    if (verdict?.verdict === 'admitted') return Promise.resolve({ admitted: true, ticket: tick.id });
    return Promise.resolve({
      admitted: false,
      reason: heldReason(this.ledger.tripped!),
      retryAfterMs,
    });
  }

  refund(ticket: string): Promise<void> {
    // While tripped the ticks are the trip's evidence: nothing is given back until it is released.
    if (!this.ledger.tripped) this.ledger.apply({ kind: 'tombstone', id: ticket });
    return Promise.resolve();
  }

  /** Releases a trip (what the operator's command does for the fleet's brake). */
  release(by: string, reason: string): void {
    const released_at = (this.options.clock ?? systemClock).now().toISOString();
    this.ledger.apply({ kind: 'state', state: { tripped: false, released_at, released_by: by, reason } });
  }
}
