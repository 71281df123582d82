import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvCell, renderCsv } from './csv.js';
import { generatedReport } from './testing/fixtures.js';

/** A small RFC 4180 reader: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '"') throw new Error(`unquoted field at ${i}`);
    let value = '';
    i++;
    for (;;) {
      if (text[i] === '"' && text[i + 1] === '"') {
        value += '"';
        i += 2;
      } else if (text[i] === '"') {
        i++;
        break;
      } else value += text[i++];
    }
    row.push(value);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else throw new Error(`bad separator at ${i}`);
  }
  return rows;
}

describe('csvCell', () => {
  it('quotes every field, doubles quotes, and defuses formulas', () => {
    expect(csvCell('plain')).toBe('"plain"');
    expect(csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvCell('=1+1')).toBe(`"'=1+1"`);
    expect(csvCell('+33 1 23')).toBe(`"'+33 1 23"`);
    expect(csvCell('-2')).toBe(`"'-2"`);
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvCell('\tx')).toBe(`"'\tx"`);
    expect(csvCell('\rx')).toBe(`"'\rx"`);
    expect(csvCell(null)).toBe('""');
    expect(csvCell(3600)).toBe('"3600"');
    expect(csvCell(true)).toBe('"true"');
  });
});

describe('renderCsv', () => {
  it('writes a header and one record per event, CRLF-terminated, with ISO times and no formula', () => {
    const report = generatedReport(5);
    const text = renderCsv(report);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '').includes('\n')).toBe(false);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(6);
    const col = (name: string) => CSV_COLUMNS.indexOf(name);
    const first = rows[1]!;
    expect(first[col('event_id')]).toBe('evt-000');
    expect(first[col('happened_at')]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    expect(first[col('access_removed_at')]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(first[col('audit_tickets')]).toMatch(/^https:\/\/acme\.zendesk\.test\/agent\/tickets\/\d+$/);
    // The event whose reason is a formula: the cell starts with an apostrophe.
    const evil = rows.find((r) => r[col('event_id')] === 'evt-001')!;
    expect(evil[col('reason')]).toBe(`'=HYPERLINK("http://evil.test","x")`);
    for (const r of rows.slice(1)) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});
