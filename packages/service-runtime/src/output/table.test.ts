// The terminal table: columns as wide as their widest cell, the rule under the header, the empty case.
import { describe, expect, it } from 'vitest';
import { renderTable } from './table.js';

const rows = [
  { type: 'offboarding', status: 'completed' },
  { type: 'rehire', status: 'refused' },
];

describe('renderTable', () => {
  it('aligns every column to its widest cell', () => {
    expect(renderTable(rows).split('\n')).toEqual([
      'type         status   ',
      '-----------  ---------',
      'offboarding  completed',
      'rehire       refused  ',
    ]);
  });

  it('draws a bar separator and crosses it in the rule', () => {
    expect(renderTable(rows, { separator: ' | ' }).split('\n').slice(0, 2)).toEqual([
      'type        | status   ',
      '------------+----------',
    ]);
  });

  it('says so when there is nothing to show', () => {
    expect(renderTable([])).toBe('(nothing)');
    expect(renderTable([], { empty: '' })).toBe('');
  });
});
