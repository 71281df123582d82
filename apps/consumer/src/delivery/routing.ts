// Where a record's outcome goes: a pure function from a terminal verdict to the one Kafka write that is committed
// with the record's offset (the result, a dead letter, or the hand-off to the retry topic), plus, for a result,
// the scheduled-steps records the pipeline asked for (each in its user's partition: scheduling/entries.ts).
import type { KafkaMessage } from 'kafkajs';
import type { Verdict } from '../pipeline/contract.js';
import { deadLetterHeaders, originalHeaders, retryHeaders, type Origin } from './headers.js';
import { scheduledPartition } from '../scheduling/entries.js';
import type { OutcomeWrite } from './transactions.js';

/** Every verdict but a hold ends the record's stay in its partition. */
export type TerminalVerdict = Exclude<Verdict, { kind: 'hold' }>;

export interface RoutedRecord {
  message: KafkaMessage;
  origin: Origin;
  /** 1 for the first try of this record, counting tries made through the retry topic. */
  attempt: number;
}

export interface RoutingRules {
  topics: { results: string; dlq: string; retry: string; scheduled?: string };
  /** Partitions of the scheduled topic (the user's partition is chosen from them). */
  scheduledPartitions?: number;
  /** Tries in all before a transient failure goes to the dead-letter topic. */
  maxAttempts: number;
  /** How long a record waits in the retry topic. */
  retryDelayMs: number;
}

export type Route =
  | { to: 'result'; write: OutcomeWrite; extra: OutcomeWrite[] }
  | { to: 'dead_letter'; write: OutcomeWrite; reason: string; error: string }
  | { to: 'retry'; write: OutcomeWrite; reason: string };

/** The write for a terminal verdict; `now` (epoch ms) stamps dead letters and sets the retry's due time. */
export function routeVerdict(
  verdict: TerminalVerdict,
  record: RoutedRecord,
  rules: RoutingRules,
  now: number,
): Route {
  const { message, origin, attempt } = record;
  if (verdict.kind === 'done') {
    const schedule = verdict.schedule ?? [];
    if (schedule.length > 0 && !rules.topics.scheduled)
      throw new Error('the pipeline asked for scheduled steps and no scheduled topic is configured');
    const extra = schedule.map((s) => ({
      topic: rules.topics.scheduled!,
      messages: [
        {
          key: s.key,
          value: s.value,
          partition: scheduledPartition(s.userKey, rules.scheduledPartitions ?? 1),
        },
      ],
    }));
    return { to: 'result', write: { topic: rules.topics.results, messages: [verdict.result] }, extra };
  }
  const exhausted = verdict.kind === 'retry' && attempt >= rules.maxAttempts;
  if (verdict.kind === 'dead_letter' || exhausted) {
    const reason = verdict.kind === 'dead_letter' ? verdict.reason : 'attempts_exhausted';
    const error = verdict.kind === 'retry' ? `${verdict.reason}: ${verdict.error}` : verdict.error;
    const headers = {
      ...originalHeaders(message),
      ...deadLetterHeaders(origin, attempt, reason, error, new Date(now)),
    };
    return {
      to: 'dead_letter',
      reason,
      error,
      write: { topic: rules.topics.dlq, messages: [{ key: message.key, value: message.value, headers }] },
    };
  }
  const headers = {
    ...originalHeaders(message),
    ...retryHeaders(origin, attempt, now + rules.retryDelayMs, verdict.reason, verdict.error),
  };
  return {
    to: 'retry',
    reason: verdict.reason,
    write: { topic: rules.topics.retry, messages: [{ key: message.key, value: message.value, headers }] },
  };
}
