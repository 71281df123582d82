// Plain-text tables for a terminal: a header, a rule and aligned columns, as the CLI and the demo print them.

export interface TableStyle {
  /** Between two cells (default two spaces). */
  separator?: string;
  /** What an empty table prints (default `(nothing)`). */
  empty?: string;
}

/** Rows with the same keys as aligned columns. */
export function renderTable(rows: Array<Record<string, string>>, style: TableStyle = {}): string {
  const separator = style.separator ?? '  ';
  if (rows.length === 0) return style.empty ?? '(nothing)';
  const keys = Object.keys(rows[0]!);
  const width = keys.map((k) => Math.max(k.length, ...rows.map((r) => (r[k] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(width[i]!)).join(separator);
  // A bar separator is crossed in the rule (' | ' becomes '-+-'); a blank one leaves gaps.
  const crossing = separator.includes('|') ? separator.replace(/ /g, '-').replace(/\|/g, '+') : separator;
  return [
    line(keys),
    width.map((w) => '-'.repeat(w)).join(crossing),
    ...rows.map((r) => line(keys.map((k) => r[k] ?? ''))),
  ].join('\n');
}
