// The chaos suite's waits end: a condition that never holds fails with what it waited for and the state reached.
import { describe, expect, it } from 'vitest';
import { until, WaitTimeout } from './until.js';

describe('until', () => {
  it('resolves as soon as the condition holds', async () => {
    let calls = 0;
    await until('three calls', () => ++calls >= 3, { timeoutMs: 5_000, everyMs: 1 });
    expect(calls).toBe(3);
  });

  it('fails at its deadline, naming what it waited for and how far it got', async () => {
    const started = Date.now();
    const waiting = until('50% of the events to finish', () => false, {
      timeoutMs: 300,
      everyMs: 20,
      state: () => '12 of 60',
    });
    await expect(waiting).rejects.toThrow(WaitTimeout);
    await expect(waiting).rejects.toThrow(
      'gave up after 0 s waiting for 50% of the events to finish (12 of 60)',
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
