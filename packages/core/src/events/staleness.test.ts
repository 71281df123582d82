// The age limit on events: measured from `time`, else from the fallback (Kafka timestamp), set by the policy.
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../policy/policy.js';
import { staleReason } from './staleness.js';

const now = new Date('2026-12-01T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

describe('stale events', () => {
  it('refuses an event older than the limit and accepts one inside it', () => {
    expect(staleReason({ time: daysAgo(31).toISOString() }, 30, now)).toMatch(/31 days old.*30 days/);
    expect(staleReason({ time: daysAgo(29).toISOString() }, 30, now)).toBeNull();
    expect(staleReason({ time: daysAgo(3).toISOString() }, 2, now)).toMatch(/3 days old/);
  });

  it('measures an event without a time from the fallback, and lets it pass without one', () => {
    expect(staleReason({}, 30, now, daysAgo(40))).toMatch(/record's timestamp/);
    expect(staleReason({}, 30, now, daysAgo(1))).toBeNull();
    expect(staleReason({}, 30, now)).toBeNull();
    // The event's own time wins over the fallback.
    expect(staleReason({ time: daysAgo(1).toISOString() }, 30, now, daysAgo(40))).toBeNull();
  });

  it('takes its limit from the policy: 30 days unless set, a positive whole number', () => {
    expect(parsePolicy({}).max_event_age_days).toBe(30);
    expect(parsePolicy({ max_event_age_days: 7 }).max_event_age_days).toBe(7);
    expect(() => parsePolicy({ max_event_age_days: 0 })).toThrow(/max_event_age_days/);
  });
});
