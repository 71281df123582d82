// Kafka headers in and out: reading them as strings, and the retry and dead-letter headers we add.
import type { IHeaders, KafkaMessage } from 'kafkajs';

export type Headers = Record<string, string>;

/** Message headers as plain strings (the first value when a header repeats). */
export function readHeaders(message: KafkaMessage): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}

export const RETRY = {
  attempts: 'retry-attempts',
  due: 'retry-due',
  reason: 'retry-reason',
  error: 'retry-error',
  sourceTopic: 'retry-source-topic',
  sourcePartition: 'retry-source-partition',
  sourceOffset: 'retry-source-offset',
  firstSeen: 'retry-first-seen',
} as const;

export const DLQ = {
  reason: 'dlq-reason',
  error: 'dlq-error',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  attempts: 'dlq-attempts',
  time: 'dlq-time',
} as const;

/** Where a record first came from: the events topic, even when it now arrives through the retry topic. */
export interface Origin {
  topic: string;
  partition: number;
  offset: string;
  /** Attempts already made before this delivery (0 for a fresh event). */
  attempts: number;
  firstSeen: string;
}

/** A whole number of at least 0 from a header, else 0 (a header is text anyone could have written). */
const count = (text: string | undefined) => {
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
};

/**
 * Where a record comes from. The `retry-*` headers are ours and are read only on the retry topic: on any other
 * topic (the events topic, where publishers write) they are ignored, so a publisher cannot set a record's
 * attempt count or origin.
 */
export function originOf(
  topic: string,
  partition: number,
  message: KafkaMessage,
  now: Date,
  retryTopic: string,
): Origin {
  const h = readHeaders(message);
  if (topic === retryTopic && h[RETRY.sourceTopic]) {
    return {
      topic: h[RETRY.sourceTopic]!,
      partition: count(h[RETRY.sourcePartition] ?? String(partition)),
      offset: h[RETRY.sourceOffset] ?? message.offset,
      attempts: count(h[RETRY.attempts]),
      firstSeen: h[RETRY.firstSeen] ?? now.toISOString(),
    };
  }
  return { topic, partition, offset: message.offset, attempts: 0, firstSeen: now.toISOString() };
}

/**
 * When a record of the retry topic is due (epoch ms): its `retry-due` header, but never later than `latest`
 * (the retry delay plus a margin from when this consumer first saw it), and at once when the header is not a number.
 */
export function retryDueAt(message: KafkaMessage, now: number, latest: number): number {
  const due = Number(readHeaders(message)[RETRY.due]);
  return Number.isFinite(due) ? Math.min(due, latest) : now;
}

/** Clock skew allowed between the instance that set a due time and the one that waits for it. */
export const RETRY_DUE_MARGIN_MS = 60_000;

/** The original headers, without the ones our retry and dead-letter handling added. */
export function originalHeaders(message: KafkaMessage): IHeaders {
  const out: IHeaders = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (name.startsWith('retry-') || name.startsWith('dlq-')) continue;
    if (value !== undefined) out[name] = value;
  }
  return out;
}

export function retryHeaders(
  origin: Origin,
  attempts: number,
  dueAt: number,
  reason: string,
  error: string,
): IHeaders {
  return {
    [RETRY.attempts]: String(attempts),
    [RETRY.due]: String(dueAt),
    [RETRY.reason]: reason,
    [RETRY.error]: error.slice(0, 2000),
    [RETRY.sourceTopic]: origin.topic,
    [RETRY.sourcePartition]: String(origin.partition),
    [RETRY.sourceOffset]: origin.offset,
    [RETRY.firstSeen]: origin.firstSeen,
  };
}

export function deadLetterHeaders(
  origin: Origin,
  attempts: number,
  reason: string,
  error: string,
  now: Date,
): IHeaders {
  return {
    [DLQ.reason]: reason,
    [DLQ.error]: error.slice(0, 4000),
    [DLQ.sourceTopic]: origin.topic,
    [DLQ.sourcePartition]: String(origin.partition),
    [DLQ.sourceOffset]: origin.offset,
    [DLQ.attempts]: String(attempts),
    [DLQ.time]: now.toISOString(),
  };
}
