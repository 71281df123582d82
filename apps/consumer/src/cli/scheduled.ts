// `npm run consumer -- scheduled list [--user KEY] [--json]`: what waits in the scheduled-steps topic, for whom and
// until when. Reads the topic to its end (no group offsets are committed, nothing is written) and prints one row
// per waiting entry: due time, kind, user, event id, and state (waiting, overdue, or cancelling: a re-hire marker
// newer than the entry, which the scheduler is about to cancel).
import { parseArgs } from 'node:util';
import type { Kafka } from 'kafkajs';
import { readTopicToEnd, renderTable, type KafkaSettings } from '@zendesk-lifecycle/service-runtime';
import { decodeScheduledRecord } from '../scheduling/entries.js';
import { ScheduleIndex } from '../scheduling/schedule-index.js';

export interface ScheduledRow {
  due: string;
  kind: string;
  user: string;
  event: string;
  state: 'waiting' | 'overdue' | 'cancelling';
  entry: string;
}

/** Every entry waiting in the scheduled topic at `now`, earliest first. */
export async function listScheduled(
  kafka: Kafka,
  settings: KafkaSettings,
  now: Date,
): Promise<ScheduledRow[]> {
  const index = new ScheduleIndex();
  const partitions = new Set<number>();
  await readTopicToEnd(
    kafka,
    settings.topics.scheduled,
    (message, partition) => {
      partitions.add(partition);
      const record = decodeScheduledRecord(
        message.key?.toString() ?? null,
        message.value?.toString() ?? null,
      );
      if (record.kind !== 'invalid') index.apply(partition, message.offset, record);
    },
    { groupId: `${settings.groupId}-scheduled-list-${Date.now()}` },
  );
  return index.list().map(({ id, entry }) => ({
    due: entry.due_at,
    kind: entry.kind,
    user: entry.user.zendesk_id === null ? entry.user.key : `${entry.user.key} (${entry.user.zendesk_id})`,
    event: entry.event.id,
    state: index.cancellingMarker(entry)
      ? 'cancelling'
      : Date.parse(entry.due_at) <= now.getTime()
        ? 'overdue'
        : 'waiting',
    entry: id,
  }));
}

/** Runs `scheduled <subcommand>`; returns the text to print. */
export async function scheduledCommand(
  kafka: Kafka,
  settings: KafkaSettings,
  args: string[],
): Promise<string> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { user: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals[0] !== 'list') return 'usage: npm run consumer -- scheduled list [--user KEY] [--json]\n';
  const rows = (await listScheduled(kafka, settings, new Date())).filter(
    (r) => !values.user || r.user.startsWith(values.user),
  );
  if (values.json) return `${JSON.stringify(rows, null, 2)}\n`;
  const table = rows.map(({ due, kind, user, event, state }) => ({ due, kind, user, event, state }));
  return `${renderTable(table, { empty: 'nothing is waiting' })}\n${rows.length} waiting in ${settings.topics.scheduled}\n`;
}
