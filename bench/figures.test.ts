// How repeated runs become one figure, and the statistics the figures use.
import { describe, expect, it } from 'vitest';
import { combineRuns, describe as describeFigure, machine, quantile, slope, type Figure } from './figures.js';

const run = (ours: number, ratio: number, met: boolean): Figure => ({
  name: `n${ours}`,
  ours,
  comparison: 'c',
  theirs: 10,
  ratio,
  unit: 'u',
  goal: 'g',
  met,
});

describe('combineRuns', () => {
  it('takes the run with the median ratio, its verdict included, with min and max over the runs', () => {
    const combined = combineRuns([run(30, 3, false), run(10, 1, true), run(20, 2, true)]);
    expect(combined).toMatchObject({ name: 'n20', ours: 20, ratio: 2, met: true });
    expect(combined.runs).toEqual({ n: 3, ours: [10, 30], ratio: [1, 3] });
    expect(describeFigure(combined)).toBe('n20: 20 (10-30) vs 10 (ratio 2 (1-3); goal g: met)');
  });

  it('takes the lower median of an even count, and leaves a single run as it is', () => {
    expect(combineRuns([run(1, 4, true), run(2, 1, false), run(3, 3, true), run(4, 2, false)]).ours).toBe(4);
    expect(combineRuns([run(5, 5, true)])).toEqual(run(5, 5, true));
  });
});

describe('statistics', () => {
  it('quantile by nearest rank', () => {
    const values = Array.from({ length: 200 }, (_, i) => 200 - i);
    expect(quantile(values, 0.5)).toBe(100);
    expect(quantile(values, 0.99)).toBe(198);
    expect(quantile([7], 0.99)).toBe(7);
  });

  it('least-squares slope', () => {
    expect(
      slope([
        [0, 1],
        [1, 3],
        [2, 5],
      ]),
    ).toBeCloseTo(2);
    expect(
      slope([
        [0, 4],
        [1, 4],
      ]),
    ).toBe(0);
    expect(slope([[1, 4]])).toBe(0);
  });

  it('names the commit and the machine', () => {
    const about = machine();
    expect(about.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(typeof about.dirty).toBe('boolean');
    expect(about.cores).toBeGreaterThan(0);
    expect(about.node).toBe(process.version);
  });
});
