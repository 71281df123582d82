// Stale events: older than the policy's `max_event_age_days`, refused at the door and dead-lettered from Kafka,
// so a captured or long-forgotten event cannot act months later.
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Why an event is too old to act on, or null when it is not. Its age runs from its `time`; an event without one
 * is measured from `fallback` (the Kafka record's timestamp, or when the request arrived) and is never stale
 * without either.
 */
export function staleReason(
  event: { time?: string | undefined },
  maxAgeDays: number,
  now: Date,
  fallback?: Date,
): string | null {
  const from = event.time !== undefined ? Date.parse(event.time) : fallback?.getTime();
  if (from === undefined || Number.isNaN(from)) return null;
  const age = now.getTime() - from;
  if (age <= maxAgeDays * DAY_MS) return null;
  const what = event.time !== undefined ? `its time ${event.time}` : `the record's timestamp`;
  return `the event is ${Math.floor(age / DAY_MS)} days old (${what}); events older than ${maxAgeDays} days are not acted on`;
}
