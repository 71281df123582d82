// The brake shared by every consumer instance (issue 19): core's BrakeLedger over the brake topic.
// Admission writes a tick (acks all) to partition 0 and waits until this instance has read it back: it has then
// read every earlier tick in the partition's one order, as every other instance does, so all of them give every
// tick the same verdict and exactly one tick trips the brake. The instance that wrote that tick records the trip
// (`state` record, then one audit notice keyed by the tick); from then on every instance holds until an operator
// writes a release (cli/brake.ts). Each instance tails the topic from the beginning with a group of its own that
// commits nothing; its ticks are tombstoned once older than the window (compaction then drops them).
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import {
  BrakeLedger,
  heldReason,
  systemClock,
  type AuditPort,
  type BlastRadiusSettings,
  type BrakeAdmission,
  type BrakePort,
  type BrakeRequest,
  type BrakeTick,
  type Clock,
  type ReleasedState,
  type TickVerdict,
  type TrippedState,
  type WindowWeight,
} from '@zendesk-lifecycle/core';
import { ensureTopics, type KafkaSettings, type Logger } from '@zendesk-lifecycle/service-runtime';
import { entryOf, RELEASE_PREFIX, STATE_KEY, TICK_PREFIX, type TickValue } from './records.js';

/** The brake's records all go to this partition: one order for every reader. */
const PARTITION = 0;
/** How long reading from the start may find nothing more before the topic counts as read to its end. */
const QUIET_MS = 3_000;

export interface FleetBrakeOptions {
  kafka: Kafka;
  settings: KafkaSettings;
  blastRadius: BlastRadiusSettings;
  /** This instance's name (CONSUMER_INSTANCE_ID): written with its ticks and trips. */
  instance: string;
  /** Where the trip is recorded (AuditPort.notice); without one, only the state record and the logs say so. */
  audit?: AuditPort;
  logger: Logger;
  clock?: Clock;
  /** How long a held partition waits before asking again (default 5 s). */
  recheckMs?: number;
  /** How long to wait for a tick to be read back before holding instead (default 30 s). */
  readBackTimeoutMs?: number;
  /** How often expired ticks are tombstoned (default a tenth of the window, at most a minute). */
  expiryEveryMs?: number;
  /** Read only: no ticks, no tombstones, no trips recorded (the CLI). */
  readOnly?: boolean;
}

export interface BrakeStatus {
  tripped: TrippedState | null;
  /** The last release read (null when none is left in the topic). */
  released: ReleasedState | null;
  window: WindowWeight;
  window_seconds: number;
  max_weight: number;
}

export class FleetBrake implements BrakePort {
  private readonly ledger: BrakeLedger;
  private readonly clock: Clock;
  private readonly topic: string;
  private readonly waiting = new Map<string, (verdict: TickVerdict) => void>();
  private readonly tombstoned = new Set<string>();
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private noticeTimer: NodeJS.Timeout | undefined;
  /** The tick of the latest trip recorded in the topic (a `state` record). */
  private recordedTrip: string | null = null;
  private caughtUp = false;
  private stopped = false;

  private constructor(private readonly options: FleetBrakeOptions) {
    this.ledger = new BrakeLedger(options.blastRadius);
    this.clock = options.clock ?? systemClock;
    this.topic = options.settings.topics.brake;
  }

  /** Creates the topic when missing, reads it to its end, then keeps tailing it. */
  static async start(options: FleetBrakeOptions): Promise<FleetBrake> {
    const brake = new FleetBrake(options);
    await brake.open();
    return brake;
  }

  private get log(): Logger {
    return this.options.logger;
  }

  private async open(): Promise<void> {
    const { kafka, settings, instance } = this.options;
    await ensureTopics(kafka, settings, ['brake']);
    const admin = kafka.admin();
    await admin.connect();
    let ends: Awaited<ReturnType<typeof admin.fetchTopicOffsets>>;
    try {
      if (!(await admin.listTopics()).includes(this.topic))
        throw new Error(
          `the brake topic ${this.topic} does not exist: create it (cleanup.policy=compact, one partition) ` +
            'or let the consumer create it (KAFKA_CREATE_TOPICS=true)',
        );
      ends = await admin.fetchTopicOffsets(this.topic);
    } finally {
      await admin.disconnect();
    }
    if (ends.length > 1)
      this.log.warn(
        { topic: this.topic, partitions: ends.length },
        'the brake topic has more than one partition: the brake uses partition 0 only',
      );
    const end = ends.find((p) => p.partition === PARTITION);
    const target = end && end.high !== end.low ? BigInt(end.high) : 0n;
    let caughtUp!: () => void;
    const ready = new Promise<void>((resolve) => (caughtUp = resolve));
    if (target === 0n) caughtUp();
    this.producer = kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
    // A group of its own that commits nothing: every start reads the whole (compacted) topic again.
    this.consumer = kafka.consumer({
      groupId: `${settings.clientId}-brake-${instance}-${randomUUID()}`,
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    // The end is the high watermark read above; or, when compaction removed the records just before it (old
    // tombstones at the tail), a quiet moment after joining with nothing more to read.
    let quiet: NodeJS.Timeout | undefined;
    const quietFor = (ms: number) => {
      clearTimeout(quiet);
      quiet = setTimeout(caughtUp, ms);
    };
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => quietFor(QUIET_MS));
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (partition !== PARTITION) return;
        this.read(message.key?.toString() ?? null, message.value);
        if (this.caughtUp) return;
        if (BigInt(message.offset) + 1n >= target) caughtUp();
        else quietFor(QUIET_MS);
      },
    });
    await ready;
    clearTimeout(quiet);
    this.caughtUp = true;
    if (this.options.readOnly) return;
    // A trip found in the ticks but never recorded (its instance stopped before it could): record it now. A trip
    // recorded already gets its audit notice made sure of (written once per trip: this finds the ticket), in case
    // the instance that tripped it stopped between the state record and the notice.
    const trip = this.ledger.tripped;
    if (trip && this.recordedTrip !== trip.tick) await this.recordTrip(trip);
    else if (trip) void this.noticeTrip(trip, 0);
    await this.expire();
    const windowMs = this.options.blastRadius.window_seconds * 1000;
    const every = this.options.expiryEveryMs ?? Math.min(60_000, Math.max(1_000, windowMs / 10));
    this.expiryTimer = setInterval(() => void this.expire().catch(() => undefined), every);
  }

  /** Applies one record of the topic, in order. */
  private read(key: string | null, value: Buffer | null): void {
    const entry = entryOf(key, value);
    if (!entry) return;
    const verdict = this.ledger.apply(entry);
    if (entry.kind === 'state' && entry.state.tripped) this.recordedTrip = entry.state.tick;
    if (entry.kind === 'tombstone') this.tombstoned.delete(entry.id);
    if (entry.kind !== 'tick' || !verdict) return;
    this.waiting.get(entry.tick.id)?.(verdict);
    this.waiting.delete(entry.tick.id);
    // The tick that tripped it is recorded by the instance that wrote it (once caught up: a replayed trip of an
    // earlier life is looked at after catching up, when its state record has been read or not).
    if (verdict.verdict === 'trips' && this.caughtUp && entry.tick.instance === this.options.instance)
      void this.recordTrip(verdict.trip);
  }

  async admit(request: BrakeRequest): Promise<BrakeAdmission> {
    const held = this.held();
    if (held) return held;
    if (request.weight === 0) return { admitted: true };
    if (this.options.readOnly || !this.producer) throw new Error('this brake is read-only');
    const id = randomUUID();
    const tick: TickValue = {
      instance: this.options.instance,
      action: request.action,
      weight: request.weight,
      event_id: request.event_id,
      at: this.clock.now().toISOString(),
    };
    let timer: NodeJS.Timeout | undefined;
    const readBack = new Promise<TickVerdict | null>((resolve) => {
      timer = setTimeout(() => resolve(null), this.options.readBackTimeoutMs ?? 30_000);
      this.waiting.set(id, resolve);
    });
    let verdict: TickVerdict | null;
    try {
      await this.producer.send({
        topic: this.topic,
        acks: -1,
        messages: [{ key: `${TICK_PREFIX}${id}`, value: JSON.stringify(tick), partition: PARTITION }],
      });
      verdict = await readBack;
    } finally {
      // Not written (the executor holds: the brake cannot answer), read back, or given up on: nobody waits.
      clearTimeout(timer);
      this.waiting.delete(id);
    }
    if (verdict === null)
      return {
        admitted: false,
        reason: 'the brake could not read its own tick back in time: holding',
        retryAfterMs: this.recheckMs,
      };
    if (verdict.verdict === 'admitted') return { admitted: true, ticket: id };
    return { admitted: false, reason: heldReason(verdict.trip), retryAfterMs: this.recheckMs };
  }

  async refund(ticket: string): Promise<void> {
    // While tripped the ticks are the trip's evidence (a restart derives the trip from them): kept until released.
    if (this.ledger.tripped) return;
    await this.tombstone([ticket]);
  }

  private get recheckMs(): number {
    return this.options.recheckMs ?? 5_000;
  }

  held(): Extract<BrakeAdmission, { admitted: false }> | null {
    const trip = this.ledger.tripped;
    return trip ? { admitted: false, reason: heldReason(trip), retryAfterMs: this.recheckMs } : null;
  }

  /** Why everything holds (the brake is tripped), or null. */
  heldReason(): string | null {
    const trip = this.ledger.tripped;
    return trip ? heldReason(trip) : null;
  }

  status(): BrakeStatus {
    return {
      tripped: this.ledger.tripped,
      released: this.ledger.released,
      window: this.ledger.windowWeight(this.clock.now()),
      window_seconds: this.options.blastRadius.window_seconds,
      max_weight: this.options.blastRadius.max_weight,
    };
  }

  /** Writes the `state` record of a trip, then its audit notice (retried until written). */
  private async recordTrip(trip: TrippedState): Promise<void> {
    if (this.recordedTrip === trip.tick || this.stopped) return;
    this.recordedTrip = trip.tick;
    const { blastRadius } = this.options;
    this.log.error(
      { tick: trip.tick, window_weight: trip.window_weight, max_weight: blastRadius.max_weight },
      'ALERT: the brake tripped for the whole fleet; every instance holds until an operator releases it',
    );
    try {
      await this.producer?.send({
        topic: this.topic,
        acks: -1,
        messages: [{ key: STATE_KEY, value: JSON.stringify(trip), partition: PARTITION }],
      });
    } catch (error) {
      // The ticks still say it is tripped (they are not tombstoned while tripped): tried again at the next start.
      this.recordedTrip = null;
      this.log.error({ err: error }, 'could not write the brake state record');
    }
    await this.noticeTrip(trip, 0);
  }

  private async noticeTrip(trip: TrippedState, attempt: number): Promise<void> {
    const audit = this.options.audit;
    if (!audit?.notice || this.stopped) return;
    const { blastRadius, instance } = this.options;
    const weights = Object.entries(blastRadius.weights)
      .map(([action, weight]) => `${action} ${weight}`)
      .join(', ');
    const window = this.ledger.windowWeight(new Date(trip.at));
    try {
      await audit.notice({
        key: `brake-trip:${trip.tick}`,
        kind: 'brake_tripped',
        title: `The brake tripped: the actions of the last ${blastRadius.window_seconds} s would have weighed ${trip.window_weight} (max ${blastRadius.max_weight})`,
        facts: [
          [
            'Why',
            `one more action would have taken the weight of the window over max_weight ${blastRadius.max_weight}: ` +
              'a flood of lifecycle events, or a mistake upstream',
          ],
          ['Tripped at', trip.at],
          ['Tick', trip.tick],
          ['Instance', trip.by_instance],
          ['Recorded by', instance],
          ['Window', `${blastRadius.window_seconds} s, weight ${trip.window_weight} with the tick`],
          [
            'Weight per action in the window',
            Object.entries(window.by_action)
              .map(([a, w]) => `${a} ${w}`)
              .join(', ') || 'none',
          ],
          ['Weights', weights],
          [
            'What now',
            'every consumer instance holds (events wait, nothing is lost). Find out why, then release: ' +
              'npm run consumer -- brake release --reason "..."',
          ],
        ],
        attention: true,
      });
    } catch (error) {
      const delay = Math.min(60_000, 1_000 * 2 ** attempt);
      this.log.error(
        { err: error, retry_in_ms: delay },
        'could not write the audit notice of the brake trip',
      );
      this.noticeTimer = setTimeout(() => void this.noticeTrip(trip, attempt + 1), delay);
    }
  }

  /** Tombstones this instance's ticks that no longer count (all of them at start-up). */
  private async expire(): Promise<void> {
    const mine = this.expiryTimer === undefined ? undefined : this.options.instance;
    const ticks = this.ledger.expired(this.clock.now(), mine).filter((t) => !this.tombstoned.has(t.id));
    await this.tombstone(ticks.map((t: BrakeTick) => t.id));
  }

  private async tombstone(ids: string[]): Promise<void> {
    if (ids.length === 0 || !this.producer) return;
    for (const id of ids) this.tombstoned.add(id);
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: ids.map((id) => ({ key: `${TICK_PREFIX}${id}`, value: null, partition: PARTITION })),
    });
  }

  /** Writes a release (the operator's command): the brake counts afresh from here. */
  async release(by: string, reason: string): Promise<ReleasedState> {
    const state: ReleasedState = {
      tripped: false,
      released_at: this.clock.now().toISOString(),
      released_by: by,
      reason,
    };
    await this.producer!.send({
      topic: this.topic,
      acks: -1,
      messages: [
        { key: `${RELEASE_PREFIX}${randomUUID()}`, value: JSON.stringify(state), partition: PARTITION },
      ],
    });
    return state;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.expiryTimer);
    clearTimeout(this.noticeTimer);
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }
}
