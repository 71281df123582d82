// The closed loop (issue 24): Zendesk's own user events confirm the steps we took, and reveal access given back
// behind our back. One consumer group over the results and user-events topics turns results into expectations
// (and what we removed per user) and Zendesk events into "seen" records, all on the compacted TOPIC_EXPECTED; every
// instance reads that topic whole into its index. Decisions are taken by one member each: a step by the member
// assigned the results partition it came from (confirmed by its event, or read back from Zendesk after the policy's
// window: confirmed, or raised), a Zendesk event left unmatched after the drift grace by the member assigned its
// user-events partition (drift when it gives access back to a user we removed within the horizon).
import { randomUUID } from 'node:crypto';
import { Partitioners, type Consumer, type EachMessagePayload, type Kafka, type Producer } from 'kafkajs';
import {
  buildConfirmationEvent,
  buildDriftEvent,
  confirms,
  createLifecycleEvent,
  describeChange,
  describeExpectation,
  describeUserState,
  eventKey,
  isDrift,
  reapplyActionsOf,
  stateAgrees,
  systemClock,
  userChangeOf,
  ZendeskUserEventSchema,
  type AuditPort,
  type Clock,
  type Policy,
  type ReadUserEvent,
  type Removal,
  type ZendeskPort,
} from '@zendesk-lifecycle/core';
import { ensureTopics, type KafkaSettings, type Logger } from '@zendesk-lifecycle/service-runtime';
import type { ConfirmSettings } from './config.js';
import { actorOf, readResult, stateWritesOf } from './derive.js';
import type { ConfirmMetrics } from './metrics.js';
import {
  decodeState,
  ExpectedState,
  isLifecycleType,
  seenKey,
  type ExpectationRecord,
  type SeenRecord,
  type StateRecord,
} from './state.js';

/** The source of the lifecycle events drift publishes to re-apply a removal. */
export const DRIFT_SOURCE = 'zendesk-lifecycle/drift';
/** Zendesk's clock and ours may differ: an event up to this much older than its step still confirms it. */
const CLOCK_SKEW_MS = 60_000;
/** Changes worth keeping: they may confirm a step or give access back. */
const KEPT_CHANGES = new Set(['role', 'suspended', 'active', 'group_added']);

export interface ConfirmerOptions {
  kafka: Kafka;
  settings: KafkaSettings;
  confirm: ConfirmSettings;
  policy: Pick<Policy, 'confirm' | 'drift'>;
  zendesk: Pick<ZendeskPort, 'findUser'>;
  audit: AuditPort;
  logger: Logger;
  metrics: ConfirmMetrics;
  /** Decides what is due (tests move it forward instead of waiting). */
  clock?: Clock;
  /** The CloudEvents source of the confirmation and drift records. */
  source: string;
  /** Start the periodic tick (default true; tests call tick() themselves). */
  timer?: boolean;
}

export class Confirmer {
  readonly state = new ExpectedState();
  private readonly clock: Clock;
  private readonly logger: Logger;
  private producer: Producer | undefined;
  private stateReader: Consumer | undefined;
  private group: Consumer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private owned = { results: new Set<number>(), userEvents: new Set<number>() };
  private caughtUp = false;

  constructor(private readonly options: ConfirmerOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger.child({ component: 'confirm' });
  }

  async start(): Promise<void> {
    const { kafka, settings, confirm } = this.options;
    await ensureTopics(kafka, settings, ['userEvents']);
    await this.ensureStateTopic();
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.producer.connect();
    await this.readState();
    this.group = kafka.consumer({
      groupId: `${settings.groupId}.confirm`,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 500,
    });
    await this.group.connect();
    this.group.on(this.group.events.GROUP_JOIN, (event) => {
      const assigned = event.payload.memberAssignment;
      this.owned = {
        results: new Set(assigned[settings.topics.results] ?? []),
        userEvents: new Set(assigned[settings.topics.userEvents] ?? []),
      };
      this.logger.info(
        { results: [...this.owned.results], user_events: [...this.owned.userEvents] },
        'confirm: partitions assigned',
      );
    });
    await this.group.subscribe({
      topics: [settings.topics.results, settings.topics.userEvents],
      fromBeginning: true,
    });
    await this.group.run({ eachMessage: (payload) => this.onMessage(payload) });
    if (this.options.timer ?? true) this.timer = setInterval(() => void this.tick(), confirm.tickMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
    await this.group?.disconnect();
    await this.stateReader?.disconnect();
    await this.producer?.disconnect();
  }

  /** Whether this member has been assigned its partitions of the results and user-events topics. */
  get assigned(): boolean {
    return this.owned.results.size + this.owned.userEvents.size > 0;
  }

  /** The compacted state topic, created like the scheduled-steps topic when missing. */
  private async ensureStateTopic(): Promise<void> {
    const { kafka, settings, confirm } = this.options;
    if (!settings.createTopics) return;
    const admin = kafka.admin();
    await admin.connect();
    try {
      if ((await admin.listTopics()).includes(confirm.topic)) return;
      await admin
        .createTopics({
          waitForLeaders: true,
          topics: [
            {
              topic: confirm.topic,
              numPartitions: settings.partitions,
              replicationFactor: settings.replicationFactor,
              configEntries: [
                { name: 'cleanup.policy', value: 'compact' },
                { name: 'min.insync.replicas', value: settings.replicationFactor >= 3 ? '2' : '1' },
              ],
            },
          ],
        })
        .catch((error: unknown) => {
          // Another instance created it first.
          if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
        });
    } finally {
      await admin.disconnect();
    }
  }

  /** Reads the state topic whole (this instance's own group, never committing), then follows it. */
  private async readState(): Promise<void> {
    const { kafka, settings, confirm } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(confirm.topic);
    await admin.disconnect();
    const pending = new Map(ends.filter((p) => p.high !== p.low).map((p) => [p.partition, BigInt(p.high)]));
    this.stateReader = kafka.consumer({
      groupId: `${settings.groupId}.confirm-state.${randomUUID()}`,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 250,
    });
    await this.stateReader.connect();
    await this.stateReader.subscribe({ topic: confirm.topic, fromBeginning: true });
    let resolve: () => void = () => {};
    const done = new Promise<void>((r) => (resolve = r));
    if (pending.size === 0) resolve();
    await this.stateReader.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const decoded = decodeState(message.key?.toString() ?? null, message.value?.toString() ?? null);
        if (decoded.kind === 'invalid')
          this.logger.warn({ offset: message.offset, partition }, 'confirm: not a state record, skipped');
        else this.state.apply(decoded.key, decoded.kind === 'put' ? decoded.record : null);
        const end = pending.get(partition);
        if (end !== undefined && BigInt(message.offset) + 1n >= end) pending.delete(partition);
        if (pending.size === 0) resolve();
      },
    });
    await done;
    this.caughtUp = true;
  }

  private async writeState(writes: Array<[string, StateRecord | null]>): Promise<void> {
    if (writes.length === 0) return;
    await this.producer!.send({
      topic: this.options.confirm.topic,
      messages: writes.map(([key, record]) => ({
        key,
        value: record === null ? null : JSON.stringify(record),
      })),
    });
    // Write-through: this instance decides on its own writes at once; the reader applies the same records again.
    for (const [key, record] of writes) this.state.apply(key, record);
  }

  private async onMessage({ topic, partition, message }: EachMessagePayload): Promise<void> {
    const value = message.value?.toString() ?? null;
    if (topic === this.options.settings.topics.results) {
      const result = readResult(value);
      if (result === null) return;
      const now = this.clock.now().getTime();
      const windowMs = this.options.policy.confirm.window_minutes * 60_000;
      // A step whose window ended long ago (a new deployment reading old results) is not waited for.
      const writes = stateWritesOf(result, {
        partition,
        windowMinutes: this.options.policy.confirm.window_minutes,
      }).filter(([, r]) => r?.kind !== 'expectation' || Date.parse(r.due_at) + windowMs > now);
      await this.writeState(writes);
      return;
    }
    const read = this.readUserEvent(value, message.offset, partition);
    if (read === null || !KEPT_CHANGES.has(read.event.change.kind)) return;
    const seen: SeenRecord = {
      kind: 'seen',
      event: read.event,
      type: read.type,
      actor: read.actor,
      seen_at: this.clock.now().toISOString(),
      owner_partition: partition,
    };
    await this.writeState([[seenKey(read.event.user_id, read.event.event_id), seen]]);
  }

  private readUserEvent(
    value: string | null,
    offset: string,
    partition: number,
  ): { event: ReadUserEvent; type: string; actor: string | null } | null {
    try {
      const parsed = ZendeskUserEventSchema.safeParse(JSON.parse(value ?? 'null'));
      if (parsed.success)
        return { event: userChangeOf(parsed.data), type: parsed.data.type, actor: actorOf(parsed.data) };
    } catch {
      // not JSON: said below
    }
    this.logger.warn(
      { offset, partition },
      'confirm: a user-events record is not a Zendesk user event; skipped',
    );
    return null;
  }

  /** Decides what is ready now: steps confirmed or due, events left unmatched. One tick at a time. */
  tick(): Promise<void> {
    this.ticking ??= this.decide().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async decide(): Promise<void> {
    if (!this.caughtUp) return;
    const now = this.clock.now();
    let waiting = 0;
    for (const [key, expected] of [...this.state.expectations]) {
      if (!this.owned.results.has(expected.owner_partition)) continue;
      const from = Date.parse(expected.step.started_at) - CLOCK_SKEW_MS;
      const match = this.state
        .seenOf(expected.user_id)
        .find(([, s]) => Date.parse(s.event.time) >= from && confirms(expected.expectation, s.event.change));
      try {
        if (match) await this.confirmByEvent(key, expected, match);
        else if (now.getTime() >= Date.parse(expected.due_at)) await this.readBack(key, expected);
        else waiting += 1;
      } catch (error) {
        waiting += 1;
        this.logger.warn(
          { err: error, step: expected.step.audit_key },
          'confirm: could not decide a step yet',
        );
      }
    }
    this.options.metrics.waiting.set(waiting);
    const graceMs = this.options.policy.drift.grace_seconds * 1000;
    for (const [key, seen] of [...this.state.seen]) {
      if (!this.owned.userEvents.has(seen.owner_partition)) continue;
      if (now.getTime() - Date.parse(seen.seen_at) < graceMs) continue;
      try {
        await this.judgeDrift(key, seen);
      } catch (error) {
        this.logger.warn(
          { err: error, zendesk_event: seen.event.event_id },
          'confirm: could not judge an event yet',
        );
      }
    }
  }

  private async confirmByEvent(
    key: string,
    expected: ExpectationRecord,
    [seenAt, seen]: [string, SeenRecord],
  ) {
    const observed = describeChange(seen.event.change);
    await this.options.audit.comment?.(expected.step, {
      title: `Confirmed by Zendesk: ${describeExpectation(expected.expectation)}`,
      facts: [
        ['Zendesk event', seen.event.event_id],
        ['Event time', seen.event.time],
        ['Change', observed],
      ],
      attention: false,
    });
    await this.decided(key, expected, { status: 'confirmed', by: 'event', observed, seen }, [[seenAt, null]]);
  }

  private async readBack(key: string, expected: ExpectationRecord): Promise<void> {
    const user = await this.options.zendesk.findUser({ id: expected.user_id });
    const observed = describeUserState(user);
    const agrees = stateAgrees(expected.expectation, user);
    const expectedText = describeExpectation(expected.expectation);
    await this.options.audit.comment?.(expected.step, {
      title: agrees
        ? `Confirmed by reading Zendesk back: ${expectedText}`
        : `Zendesk disagrees with this step: expected ${expectedText}, Zendesk reports ${observed}`,
      facts: [
        ['Read back at', this.clock.now().toISOString()],
        ['Zendesk reports', observed],
        ['Expected', expectedText],
        ...(agrees
          ? []
          : ([
              [
                'What to do',
                'check who changed the user back in Zendesk; run the step again if it still applies',
              ],
            ] as Array<[string, string]>)),
      ],
      attention: !agrees,
    });
    await this.decided(
      key,
      expected,
      { status: agrees ? 'confirmed' : 'raised', by: 'read_back', observed },
      [],
    );
  }

  /** The confirmation record, the metrics and the tombstones of what was decided. */
  private async decided(
    key: string,
    expected: ExpectationRecord,
    how: { status: 'confirmed' | 'raised'; by: 'event' | 'read_back'; observed: string; seen?: SeenRecord },
    more: Array<[string, null]>,
  ): Promise<void> {
    const now = this.clock.now();
    const delayMs = Math.max(0, now.getTime() - Date.parse(expected.succeeded_at));
    const record = buildConfirmationEvent(
      {
        source_event: expected.source_event,
        result_id: expected.result_id,
        zendesk_user_id: expected.user_id,
        step: {
          index: expected.step.index,
          action: expected.step.action,
          audit_ticket_id: expected.step.audit_ticket_id,
        },
        status: how.status,
        by: how.by,
        zendesk_event: how.seen ? { id: how.seen.event.event_id, time: how.seen.event.time } : null,
        expected: describeExpectation(expected.expectation),
        observed: how.observed,
        succeeded_at: expected.succeeded_at,
        decided_at: now.toISOString(),
        delay_ms: delayMs,
      },
      { source: this.options.source, stepKey: expected.step.audit_key },
    );
    await this.producer!.send({
      topic: this.options.settings.topics.results,
      messages: [{ key: record.subject, value: JSON.stringify(record) }],
    });
    await this.writeState([[key, null], ...more]);
    const { metrics } = this.options;
    const action = expected.step.action;
    const fields = {
      step: expected.step.audit_key,
      action,
      user_id: expected.user_id,
      observed: how.observed,
    };
    if (how.status === 'raised') {
      metrics.raised.inc({ action });
      this.logger.error(fields, `ALERT: Zendesk disagrees with a succeeded ${action}: ${how.observed}`);
    } else {
      metrics.confirmations.inc({ action, by: how.by });
      metrics.delay.observe({ action, by: how.by }, delayMs / 1000);
      this.logger.info({ ...fields, by: how.by, delay_ms: delayMs }, 'confirm: step confirmed by Zendesk');
    }
  }

  private async judgeDrift(key: string, seen: SeenRecord): Promise<void> {
    const { policy } = this.options;
    const removal = this.state.removals.get(seen.event.user_id)?.removal ?? null;
    const drift =
      removal !== null &&
      isDrift({
        change: seen.event.change,
        eventTime: seen.event.time,
        removal,
        horizonDays: policy.drift.horizon_days,
      }) &&
      // A removal recorded after the event (a newer one of ours) is not undone by it.
      Date.parse(removal.at) <= Date.parse(seen.event.time) + CLOCK_SKEW_MS;
    this.logger.debug(
      { zendesk_event: seen.event.event_id, user_id: seen.event.user_id, removal, drift },
      'confirm: a Zendesk event left unmatched was judged',
    );
    if (drift) await this.reportDrift(seen, removal);
    await this.writeState([[key, null]]);
  }

  private async reportDrift(seen: SeenRecord, removal: Removal) {
    const { policy, settings, audit, metrics } = this.options;
    const { event } = seen;
    const change = describeChange(event.change);
    const actor = seen.actor;
    let reappliedId: string | null = null;
    const reapply = policy.drift.reapply
      ? createLifecycleEvent({
          id: `drift-${event.event_id}`,
          source: DRIFT_SOURCE,
          type:
            isLifecycleType(removal.source_event.type) && removal.source_event.type !== 'lifecycle.rehire.v1'
              ? removal.source_event.type
              : 'lifecycle.offboarding.v1',
          user: { id: event.user_id },
          actions: reapplyActionsOf(event.change, removal),
          reason: `access restored outside the lifecycle (Zendesk event ${event.event_id}: ${change}): re-applying the removal`,
          requested_by: DRIFT_SOURCE,
          time: this.clock.now().toISOString(),
        })
      : null;
    const receipt = await audit.notice?.({
      key: `drift:${event.event_id}`,
      kind: 'access_restored',
      title: `Access restored outside the lifecycle: Zendesk user ${event.user_id} (${change})`,
      facts: [
        ['User', `Zendesk user ${event.user_id}`],
        ['Change', change],
        ['By whom', actor ?? "not reported by Zendesk's event (see the account's audit log)"],
        ['When', event.time],
        ['Zendesk event', `${event.event_id} (${seen.type})`],
        [
          'Removed by',
          `${removal.source_event.type} ${removal.source_event.id} from ${removal.source_event.source} at ${removal.at} (${removal.actions.join(', ')})`,
        ],
        [
          'Re-applied',
          reapply
            ? `event ${reapply.id} (${reapply.data.actions?.join(', ')})`
            : 'no (policy drift.reapply is off)',
        ],
      ],
      attention: true,
    });
    if (reapply) {
      await this.producer!.send({
        topic: settings.topics.events,
        messages: [{ key: eventKey(reapply), value: JSON.stringify(reapply) }],
      });
      reappliedId = reapply.id;
    }
    const record = buildDriftEvent(
      {
        zendesk_user_id: event.user_id,
        zendesk_event: { id: event.event_id, time: event.time, type: seen.type },
        change,
        actor,
        removed_by: { source_event: removal.source_event, actions: removal.actions, at: removal.at },
        audit_ticket_id: receipt?.ticket_id ?? null,
        reapplied_event_id: reappliedId,
        detected_at: this.clock.now().toISOString(),
      },
      { source: this.options.source },
    );
    await this.producer!.send({
      topic: settings.topics.results,
      messages: [{ key: record.subject, value: JSON.stringify(record) }],
    });
    metrics.drift.inc({ change: event.change.kind, reapplied: String(reapply !== null) });
    this.logger.warn(
      { user_id: event.user_id, zendesk_event: event.event_id, change, reapplied: reappliedId },
      'ALERT: access restored outside the lifecycle (drift)',
    );
  }
}
