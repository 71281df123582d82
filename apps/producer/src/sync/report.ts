// One-off reports of a sync without Kafka: a table, JSON lines, or CSV.
import type { AccountSnapshot, SyncSummary } from './sync.js';

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

export function table(rows: Array<Record<string, string>>): string {
  if (rows.length === 0) return '(nothing)';
  const keys = Object.keys(rows[0]!);
  const width = keys.map((k) => Math.max(k.length, ...rows.map((r) => (r[k] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(width[i]!)).join('  ');
  return [
    line(keys),
    width.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map((r) => line(keys.map((k) => r[k] ?? ''))),
  ].join('\n');
}

/** A progress line that redraws itself in a terminal and prints plain lines otherwise. */
export function progress(label: string): { tick(count: number): void; done(count: number): void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  return {
    tick(count) {
      if (tty) {
        if (count - last >= 50) process.stderr.write(`\r${label}: ${count}`);
      } else if (count - last >= 1000) process.stderr.write(`${label}: ${count}\n`);
      else return;
      last = count;
    },
    done(count) {
      process.stderr.write(`${tty ? '\r' : ''}${label}: ${count} done\n`);
    },
  };
}
