// One-off reports of a sync without Kafka: a table, JSON lines, or CSV; and the summary by status and seat.
import type { AccountSnapshot, SyncSummary } from '../sync/sync.js';
import { renderTable as table } from '@zendesk-lifecycle/service-runtime';

const COLUMNS = ['user_id', 'email', 'name', 'role', 'status', 'seat', 'paid_seat', 'last_login_at'] as const;

export function formatReport(snapshots: AccountSnapshot[], format: 'table' | 'json' | 'csv'): string {
  if (format === 'json') return snapshots.map((s) => JSON.stringify(s)).join('\n');
  if (format === 'csv') {
    const cell = (v: unknown) => {
      const text = v === null || v === undefined ? '' : String(v);
      return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    };
    return [COLUMNS.join(','), ...snapshots.map((s) => COLUMNS.map((c) => cell(s[c])).join(','))].join('\n');
  }
  return table(
    snapshots.map((s) =>
      Object.fromEntries(COLUMNS.map((c) => [c, String(s[c] ?? (c === 'last_login_at' ? 'never' : '-'))])),
    ),
  );
}

export function formatSummary(summary: SyncSummary): string {
  const rows = [
    ...Object.entries(summary.byStatus).map(([k, v]) => ({ group: 'status', value: k, accounts: String(v) })),
    ...Object.entries(summary.bySeat).map(([k, v]) => ({ group: 'seat', value: k, accounts: String(v) })),
    ...Object.entries(summary.byPaidSeat).map(([k, v]) => ({
      group: 'paid seat',
      value: k,
      accounts: String(v),
    })),
  ];
  return table(rows);
}
