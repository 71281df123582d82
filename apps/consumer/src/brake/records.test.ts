import { describe, expect, it } from 'vitest';
import { entryOf } from './records.js';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const tick = {
  instance: 'c-1',
  action: 'suspend',
  weight: 2,
  event_id: 'e-1',
  at: '2026-11-24T12:00:00.000Z',
};

describe('brake records', () => {
  it('reads ticks, tombstones and states', () => {
    expect(entryOf('tick:abc', json(tick))).toEqual({ kind: 'tick', tick: { id: 'abc', ...tick } });
    expect(entryOf('tick:abc', null)).toEqual({ kind: 'tombstone', id: 'abc' });
    const released = { tripped: false, released_at: 'x', released_by: 'ops', reason: 'ok' };
    expect(entryOf('state', json(released))).toEqual({ kind: 'state', state: released });
    expect(entryOf('release:9f1c', json(released))).toEqual({ kind: 'state', state: released });
  });

  it('ignores what is not a brake record instead of failing on it', () => {
    expect(entryOf(null, json(tick))).toBeNull();
    expect(entryOf('tick:abc', Buffer.from('{ not json'))).toBeNull();
    expect(entryOf('tick:abc', json({ ...tick, action: 'fly' }))).toBeNull();
    expect(entryOf('tick:abc', json({ ...tick, weight: -1 }))).toBeNull();
    expect(entryOf('state', json({ tripped: 'yes' }))).toBeNull();
    expect(entryOf('state', null)).toBeNull();
    expect(entryOf('other', json(tick))).toBeNull();
  });
});
