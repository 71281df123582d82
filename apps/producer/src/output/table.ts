// Plain-text tables for a terminal: one header, a rule, aligned columns.

/** Rows with the same keys as aligned columns; `(nothing)` for no rows. */
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
