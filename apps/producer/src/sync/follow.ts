// Keeps the accounts snapshot current between full syncs (issue 24): every Zendesk user event that may change an
// account (role, custom role, active, suspension, group membership) re-reads that user and writes its snapshot to
// the compacted accounts topic, as a full sync would report it now. `npm run producer -- sync --follow`.
import { Partitioners, type Consumer, type Kafka, type Producer } from 'kafkajs';
import { userChangeOf, ZendeskUserEventSchema } from '@zendesk-lifecycle/core';
import { readTopicToEnd, type KafkaSettings, type Logger } from '@zendesk-lifecycle/service-runtime';
import { statusOf, type ZendeskClient } from '@zendesk-lifecycle/zendesk-client';
import { accountKey, accountSnapshotOf, readSnapshot, type AccountSnapshot } from './sync.js';

/** The changes that may change an account's snapshot. */
const ACCOUNT_CHANGES = new Set([
  'role',
  'custom_role',
  'active',
  'suspended',
  'group_added',
  'group_removed',
]);

/**
 * The user's snapshot now: an agent or admin as sync lists it; an end user known before as `deprovisioned` (seat
 * free); a deleted user removed (null: a tombstone); `unchanged` when the user is not (and was not) an account.
 */
export async function accountNow(
  zendesk: Pick<ZendeskClient, 'getUser' | 'entitlementsMany'>,
  userId: number,
  previous: AccountSnapshot | undefined,
  at: string,
): Promise<AccountSnapshot | null | 'unchanged'> {
  const user = await zendesk.getUser(userId);
  if (user === null || !user.active) return previous ? null : 'unchanged';
  if (user.role !== 'end-user') {
    const [e] = await zendesk.entitlementsMany([user]);
    return accountSnapshotOf({ user, status: statusOf(user) }, e!, at);
  }
  if (!previous || previous.status === 'deprovisioned') return 'unchanged';
  return {
    ...previous,
    role: user.role,
    status: 'deprovisioned',
    seat: null,
    paid_seat: 'no',
    products: {},
    synced_at: at,
  };
}

export interface AccountFollowerOptions {
  zendesk: Pick<ZendeskClient, 'getUser' | 'entitlementsMany'>;
  kafka: Kafka;
  settings: KafkaSettings;
  logger?: Logger;
  /** Its consumer group (default `<KAFKA_GROUP_ID>.accounts-follow`). */
  groupId?: string;
}

export class AccountFollower {
  /** The snapshots as the accounts topic has them, kept current by what this follower writes. */
  readonly snapshots = new Map<number, AccountSnapshot>();
  updates = 0;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;

  constructor(private readonly options: AccountFollowerOptions) {}

  async start(): Promise<void> {
    const { kafka, settings } = this.options;
    await readTopicToEnd(kafka, settings.topics.accounts, (m) => {
      const read = readSnapshot(m);
      if (read === 'invalid') return;
      const id = Number(read.key.slice('id:'.length));
      if (read.snapshot === null) this.snapshots.delete(id);
      else this.snapshots.set(id, read.snapshot);
    });
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.producer.connect();
    this.consumer = kafka.consumer({
      groupId: this.options.groupId ?? `${settings.groupId}.accounts-follow`,
      maxWaitTimeInMs: 500,
    });
    await this.consumer.connect();
    const consumer = this.consumer;
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    // Only what happens from now on: the full sync before it read the rest.
    await this.consumer.subscribe({ topic: settings.topics.userEvents, fromBeginning: false });
    await this.consumer.run({
      eachMessage: async ({ message }) => this.onEvent(message.value?.toString() ?? null),
    });
    // Following from here: events from now on reach this follower.
    await joined;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  private async onEvent(value: string | null): Promise<void> {
    let userId: number;
    try {
      const parsed = ZendeskUserEventSchema.safeParse(JSON.parse(value ?? 'null'));
      if (!parsed.success) return;
      const read = userChangeOf(parsed.data);
      if (!ACCOUNT_CHANGES.has(read.change.kind)) return;
      userId = read.user_id;
    } catch {
      return; // not JSON: not Zendesk's; skipped
    }
    // A failed read throws: kafkajs retries the record (nothing is committed past it).
    const now = await accountNow(
      this.options.zendesk,
      userId,
      this.snapshots.get(userId),
      new Date().toISOString(),
    );
    if (now === 'unchanged') return;
    await this.producer!.send({
      topic: this.options.settings.topics.accounts,
      messages: [{ key: accountKey(userId), value: now === null ? null : JSON.stringify(now) }],
    });
    if (now === null) this.snapshots.delete(userId);
    else this.snapshots.set(userId, now);
    this.updates += 1;
    this.options.logger?.info(
      { user_id: userId, status: now?.status ?? 'removed' },
      'account snapshot updated',
    );
  }
}
