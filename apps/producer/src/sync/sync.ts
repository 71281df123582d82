// sync: every agent and admin with status, seat, products and last login, as one snapshot per user on the
// compacted accounts topic; users seen before but gone now are reported as the spec's status table says, and a
// deleted user's snapshot is removed from the topic (a tombstone). The topic is read back validated: anyone who may
// write it could put anything there. Seats come from public data only: a light agent's or contributor's paid seat is
// 'unknown' (docs/zendesk-rules.md §9).
import { Partitioners, type Kafka, type KafkaMessage } from 'kafkajs';
import { z } from 'zod';
import { resultEventSchema, type UserSnapshot } from '@zendesk-lifecycle/core';
import { readTopicToEnd, type KafkaSettings } from '@zendesk-lifecycle/service-runtime';
import type { PaidSeat, Seat, ZendeskClient } from '@zendesk-lifecycle/zendesk-client';

export interface AccountSnapshot {
  user_id: number;
  email: string | null;
  name: string;
  role: string;
  status: 'active' | 'suspended' | 'deprovisioned';
  /** The Support seat; null once the user holds none (deleted or downgraded). A suspended agent keeps it. */
  seat: Seat | null;
  /** Whether a paid agent seat is taken: 'unknown' for light agents and contributors (Chat/Guide/Explore roles). */
  paid_seat: PaidSeat;
  /** Role per product; Chat, Guide and Explore roles are 'unknown' (no public API shows them). */
  products: Record<string, string>;
  last_login_at: string | null;
  synced_at: string;
}

/** A snapshot as read back from the accounts topic. */
const accountSnapshotSchema = z.object({
  user_id: z.number().int().positive(),
  email: z.string().nullable(),
  name: z.string(),
  role: z.string(),
  status: z.enum(['active', 'suspended', 'deprovisioned']),
  seat: z.enum(['paid', 'light_agent', 'free']).nullable(),
  paid_seat: z.enum(['yes', 'no', 'unknown']),
  products: z.record(z.string(), z.string()),
  last_login_at: z.string().nullable(),
  synced_at: z.string(),
}) satisfies z.ZodType<AccountSnapshot>;

/** The accounts topic's key of a user (the same form as a lifecycle event's key). */
export const accountKey = (userId: number) => `id:${userId}`;

export interface SyncSummary {
  snapshots: AccountSnapshot[];
  /** Records of the accounts topic that were not a valid snapshot under its own key: skipped. */
  invalidRecords: number;
  byStatus: Record<string, number>;
  bySeat: Record<string, number>;
  /** Accounts per paid-seat answer: yes, unknown (light agents and contributors). */
  byPaidSeat: Record<string, number>;
}

/** The snapshot of a listed account with its entitlements. */
export function accountSnapshotOf(
  account: { user: UserSnapshot; status: AccountSnapshot['status'] },
  e: { seat: Seat | null; paid_seat: PaidSeat; products: Record<string, string> },
  syncedAt: string,
): AccountSnapshot {
  return {
    user_id: account.user.id,
    email: account.user.email,
    name: account.user.name,
    role: account.user.role,
    status: account.status,
    seat: e.seat,
    paid_seat: e.paid_seat,
    products: e.products,
    last_login_at: account.user.last_login_at,
    synced_at: syncedAt,
  };
}

/** Streams the accounts with their entitlements, 50 users at a time. */
export async function* collectAccounts(
  zendesk: ZendeskClient,
  syncedAt: string,
): AsyncGenerator<AccountSnapshot> {
  let batch: Array<
    Awaited<ReturnType<ZendeskClient['listAccounts']> extends AsyncGenerator<infer A> ? A : never>
  > = [];
  const flush = async function* () {
    const entitlements = await zendesk.entitlementsMany(batch.map((a) => a.user));
    for (const [i, account] of batch.entries()) {
      yield accountSnapshotOf(account, entitlements[i]!, syncedAt);
    }
    batch = [];
  };
  for await (const account of zendesk.listAccounts()) {
    batch.push(account);
    if (batch.length === 50) yield* flush();
  }
  if (batch.length > 0) yield* flush();
}

/** User ids whose deprovision or downgrade our consumer completed (from the results topic). */
async function removedByUs(kafka: Kafka, settings: KafkaSettings): Promise<Set<number>> {
  const removed = new Set<number>();
  await readTopicToEnd(kafka, settings.topics.results, (message) => {
    const parsed = resultEventSchema.safeParse(JSON.parse(message.value?.toString() ?? 'null'));
    // The resolved user id the consumer recorded (never parsed out of the subject).
    if (!parsed.success || parsed.data.data.zendesk_user_id === null) return;
    const { zendesk_user_id: userId, steps } = parsed.data.data;
    const done = steps.some(
      (s) =>
        (s.action === 'deprovision' || s.action === 'downgrade') &&
        (s.outcome === 'succeeded' || s.outcome === 'already_done'),
    );
    if (done) removed.add(userId);
  });
  return removed;
}

export async function syncAccounts(options: {
  zendesk: ZendeskClient;
  kafka: Kafka;
  settings: KafkaSettings;
  onProgress?: (count: number) => void;
}): Promise<SyncSummary> {
  const { zendesk, kafka, settings } = options;
  const previous = new Map<string, AccountSnapshot>();
  let invalidRecords = 0;
  await readTopicToEnd(kafka, settings.topics.accounts, (m) => {
    const read = readSnapshot(m);
    if (read === 'invalid') invalidRecords++;
    else if (read.snapshot === null) previous.delete(read.key);
    else previous.set(read.key, read.snapshot);
  });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const syncedAt = new Date().toISOString();
  const seen = new Set<number>();
  const snapshots: AccountSnapshot[] = [];
  let pending: Array<AccountSnapshot | { tombstone: number }> = [];
  const send = async () => {
    if (pending.length === 0) return;
    await producer.send({
      topic: settings.topics.accounts,
      messages: pending.map((s) =>
        'tombstone' in s
          ? { key: accountKey(s.tombstone), value: null }
          : { key: accountKey(s.user_id), value: JSON.stringify(s) },
      ),
    });
    pending = [];
  };
  for await (const snapshot of collectAccounts(zendesk, syncedAt)) {
    seen.add(snapshot.user_id);
    snapshots.push(snapshot);
    pending.push(snapshot);
    if (pending.length >= 500) await send();
    options.onProgress?.(snapshots.length);
  }
  const gone = [...previous.values()].filter((s) => !seen.has(s.user_id) && s.status !== 'deprovisioned');
  const ours = gone.length > 0 ? await removedByUs(kafka, settings) : new Set<number>();
  for (const before of gone) {
    const now = await zendesk.getUser(before.user_id);
    const downgraded = now !== null && now.active && now.role === 'end-user';
    const status = downgraded || ours.has(before.user_id) ? 'deprovisioned' : 'suspended';
    // Deleted or downgraded: the seat is free (a suspended agent would still be listed, and keep it).
    const seatless = now === null || !now.active || now.role === 'end-user';
    const snapshot: AccountSnapshot = {
      ...before,
      role: now?.role ?? before.role,
      status,
      ...(seatless ? { seat: null, paid_seat: 'no' as const, products: {} } : {}),
      synced_at: syncedAt,
    };
    snapshots.push(snapshot);
    // Reported once, then removed from the compacted topic: a deleted user's personal data does not stay there.
    pending.push(now === null || !now.active ? { tombstone: before.user_id } : snapshot);
  }
  await send();
  await producer.disconnect();
  return summarize(snapshots, invalidRecords);
}

/** One record of the accounts topic: a snapshot or a tombstone under a user's key, else 'invalid'. */
export function readSnapshot(m: KafkaMessage): { key: string; snapshot: AccountSnapshot | null } | 'invalid' {
  const key = m.key?.toString();
  if (!key) return 'invalid';
  if (m.value === null) return { key, snapshot: null };
  let json: unknown;
  try {
    json = JSON.parse(m.value.toString());
  } catch {
    return 'invalid';
  }
  const parsed = accountSnapshotSchema.safeParse(json);
  if (!parsed.success || accountKey(parsed.data.user_id) !== key) return 'invalid';
  return { key, snapshot: parsed.data };
}

export function summarize(snapshots: AccountSnapshot[], invalidRecords = 0): SyncSummary {
  const byStatus: Record<string, number> = {};
  const bySeat: Record<string, number> = {};
  const byPaidSeat: Record<string, number> = {};
  for (const s of snapshots) {
    byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
    if (s.status === 'deprovisioned' || !s.seat) continue;
    bySeat[s.seat] = (bySeat[s.seat] ?? 0) + 1;
    byPaidSeat[s.paid_seat] = (byPaidSeat[s.paid_seat] ?? 0) + 1;
  }
  return { snapshots, invalidRecords, byStatus, bySeat, byPaidSeat };
}
