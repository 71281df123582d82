// The routing of verdicts to Kafka writes, without a broker: the exact topic, key, value and headers per verdict.
import { describe, expect, it } from 'vitest';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { originOf, retryDueAt } from './headers.js';
import { routeVerdict, type RoutingRules } from './routing.js';
import { scheduledPartition } from '../scheduling/entries.js';

const rules: RoutingRules = {
  topics: { results: 'lc.results', dlq: 'lc.dlq', retry: 'lc.retry' },
  maxAttempts: 4,
  retryDelayMs: 30_000,
};
const now = Date.parse('2026-03-01T10:00:00.000Z');

function message(offset: string, headers: IHeaders): KafkaMessage {
  return {
    key: Buffer.from('user-7'),
    value: Buffer.from('{"type":"lifecycle.offboarding.v1"}'),
    offset,
    timestamp: String(now),
    attributes: 0,
    headers,
  };
}

/** A record read from the events topic for the first time. */
const fresh = message('41', { ce_type: 'lifecycle.offboarding.v1', traceparent: '00-abc-def-01' });
const freshRecord = (attempt: number) => ({
  message: fresh,
  origin: originOf('lc.events', 2, fresh, new Date(now), 'lc.retry'),
  attempt,
});

/** The same record come back through the retry topic after two tries, at offset 5 of the retry topic. */
const retried = message('5', {
  ce_type: 'lifecycle.offboarding.v1',
  'retry-attempts': '2',
  'retry-due': String(now - 1000),
  'retry-reason': 'rate_limited',
  'retry-error': '429',
  'retry-source-topic': 'lc.events',
  'retry-source-partition': '2',
  'retry-source-offset': '41',
  'retry-first-seen': '2026-03-01T09:58:00.000Z',
});
const retriedRecord = (attempt: number) => ({
  message: retried,
  origin: originOf('lc.retry', 0, retried, new Date(now), 'lc.retry'),
  attempt,
});

describe('routing a verdict to its Kafka write', () => {
  it('publishes the result of a done record to the results topic, as the pipeline built it', () => {
    const result = { key: 'user-7', value: '{"status":"succeeded"}', headers: { 'content-type': 'x' } };
    expect(routeVerdict({ kind: 'done', result, summary: 'succeeded' }, freshRecord(1), rules, now)).toEqual({
      to: 'result',
      write: { topic: 'lc.results', messages: [result] },
      extra: [],
    });
  });

  it("writes the scheduled steps of a done record to its user's partition of the scheduled topic", () => {
    const result = { key: 'id:7', value: '{}' };
    const schedule = [
      { key: 'purge:zl-1', userKey: 'id:7', value: '{"kind":"purge"}' },
      { key: 'cancel:id:7', userKey: 'id:7', value: '{}' },
    ];
    const scheduledRules = {
      ...rules,
      topics: { ...rules.topics, scheduled: 'lc.scheduled' },
      scheduledPartitions: 6,
    };
    const route = routeVerdict(
      { kind: 'done', result, summary: 'completed', schedule },
      freshRecord(1),
      scheduledRules,
      now,
    );
    const partition = scheduledPartition('id:7', 6);
    expect(route).toMatchObject({
      to: 'result',
      extra: [
        { topic: 'lc.scheduled', messages: [{ key: 'purge:zl-1', partition }] },
        { topic: 'lc.scheduled', messages: [{ key: 'cancel:id:7', partition }] },
      ],
    });
    expect(() =>
      routeVerdict({ kind: 'done', result, summary: 'completed', schedule }, freshRecord(1), rules, now),
    ).toThrow(/no scheduled topic/);
  });

  it('sends a dead letter with the original key, value and headers plus the dlq-* headers', () => {
    const route = routeVerdict(
      { kind: 'dead_letter', reason: 'invalid_event', error: 'not JSON' },
      freshRecord(1),
      rules,
      now,
    );
    expect(route).toEqual({
      to: 'dead_letter',
      reason: 'invalid_event',
      error: 'not JSON',
      write: {
        topic: 'lc.dlq',
        messages: [
          {
            key: fresh.key,
            value: fresh.value,
            headers: {
              ce_type: 'lifecycle.offboarding.v1',
              traceparent: '00-abc-def-01',
              'dlq-reason': 'invalid_event',
              'dlq-error': 'not JSON',
              'dlq-source-topic': 'lc.events',
              'dlq-source-partition': '2',
              'dlq-source-offset': '41',
              'dlq-attempts': '1',
              'dlq-time': '2026-03-01T10:00:00.000Z',
            },
          },
        ],
      },
    });
  });

  it('hands a transient failure before the last attempt to the retry topic, due after the retry delay', () => {
    const route = routeVerdict(
      { kind: 'retry', reason: 'server_error', error: '503 from Zendesk', delayMs: 20 },
      freshRecord(2),
      rules,
      now,
    );
    expect(route).toEqual({
      to: 'retry',
      reason: 'server_error',
      write: {
        topic: 'lc.retry',
        messages: [
          {
            key: fresh.key,
            value: fresh.value,
            headers: {
              ce_type: 'lifecycle.offboarding.v1',
              traceparent: '00-abc-def-01',
              'retry-attempts': '2',
              'retry-due': String(now + 30_000),
              'retry-reason': 'server_error',
              'retry-error': '503 from Zendesk',
              'retry-source-topic': 'lc.events',
              'retry-source-partition': '2',
              'retry-source-offset': '41',
              'retry-first-seen': '2026-03-01T10:00:00.000Z',
            },
          },
        ],
      },
    });
  });

  it('keeps the original source and first-seen time when a record from the retry topic goes back there', () => {
    const route = routeVerdict(
      { kind: 'retry', reason: 'rate_limited', error: '429 again' },
      retriedRecord(3),
      rules,
      now,
    );
    expect(route.to).toBe('retry');
    expect(route.write.topic).toBe('lc.retry');
    expect(route.write.messages[0]!.headers).toEqual({
      ce_type: 'lifecycle.offboarding.v1',
      'retry-attempts': '3',
      'retry-due': String(now + 30_000),
      'retry-reason': 'rate_limited',
      'retry-error': '429 again',
      'retry-source-topic': 'lc.events',
      'retry-source-partition': '2',
      'retry-source-offset': '41',
      'retry-first-seen': '2026-03-01T09:58:00.000Z',
    });
  });

  it('sends a transient failure on the last attempt to the dead-letter topic as attempts_exhausted', () => {
    const route = routeVerdict(
      { kind: 'retry', reason: 'server_error', error: '503 from Zendesk' },
      retriedRecord(4),
      rules,
      now,
    );
    expect(route).toEqual({
      to: 'dead_letter',
      reason: 'attempts_exhausted',
      error: 'server_error: 503 from Zendesk',
      write: {
        topic: 'lc.dlq',
        messages: [
          {
            key: retried.key,
            value: retried.value,
            // No retry-* header survives: the dead letter names the original source in its dlq-* headers.
            headers: {
              ce_type: 'lifecycle.offboarding.v1',
              'dlq-reason': 'attempts_exhausted',
              'dlq-error': 'server_error: 503 from Zendesk',
              'dlq-source-topic': 'lc.events',
              'dlq-source-partition': '2',
              'dlq-source-offset': '41',
              'dlq-attempts': '4',
              'dlq-time': '2026-03-01T10:00:00.000Z',
            },
          },
        ],
      },
    });
  });

  it('cuts long error texts in the headers (2000 characters for a retry, 4000 for a dead letter)', () => {
    const error = 'e'.repeat(5000);
    const retry = routeVerdict({ kind: 'retry', reason: 'server_error', error }, freshRecord(1), rules, now);
    const dead = routeVerdict(
      { kind: 'dead_letter', reason: 'invalid_event', error },
      freshRecord(1),
      rules,
      now,
    );
    expect(String(retry.write.messages[0]!.headers!['retry-error'])).toHaveLength(2000);
    expect(String(dead.write.messages[0]!.headers!['dlq-error'])).toHaveLength(4000);
  });
});

describe('retry headers are ours: honoured on the retry topic only, and bounded', () => {
  it('ignores retry-* headers on a record of the events topic (a publisher cannot set attempts or origin)', () => {
    // The same headers as a genuine retry, but published to the events topic at offset 5 of partition 1.
    const forged = message('5', { ...retried.headers, 'retry-attempts': '99' });
    expect(originOf('lc.events', 1, forged, new Date(now), 'lc.retry')).toEqual({
      topic: 'lc.events',
      partition: 1,
      offset: '5',
      attempts: 0,
      firstSeen: new Date(now).toISOString(),
    });
    // On the retry topic the same headers are read.
    expect(originOf('lc.retry', 0, forged, new Date(now), 'lc.retry')).toMatchObject({
      topic: 'lc.events',
      partition: 2,
      offset: '41',
      attempts: 99,
    });
  });

  it('reads a non-numeric or negative attempt count on the retry topic as 0', () => {
    for (const attempts of ['-3', 'lots', '1.5']) {
      const odd = message('5', { ...retried.headers, 'retry-attempts': attempts });
      expect(originOf('lc.retry', 0, odd, new Date(now), 'lc.retry').attempts).toBe(0);
    }
  });

  it('caps a due time at the latest allowed, and makes a missing or non-numeric one due at once', () => {
    const latest = now + 90_000;
    const withDue = (due: string | undefined) => message('5', due === undefined ? {} : { 'retry-due': due });
    expect(retryDueAt(withDue(String(now + 30_000)), now, latest)).toBe(now + 30_000);
    expect(retryDueAt(withDue(String(now + 10 * 365 * 86_400_000)), now, latest)).toBe(latest);
    expect(retryDueAt(withDue('tomorrow'), now, latest)).toBe(now);
    expect(retryDueAt(withDue(undefined), now, latest)).toBe(now);
  });
});
