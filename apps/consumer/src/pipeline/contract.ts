// The pipeline's contract: what it reads from a record (transport-neutral) and the verdict it returns.
import type { KafkaRecordInput } from '@zendesk-lifecycle/core';
import type { ScheduleWrite } from '../scheduling/entries.js';
import type { ScheduledFiring } from '../scheduling/firing.js';

/** One record as the pipeline sees it: its bytes, its headers, and whether this is the last try. */
export interface RecordInput {
  value: Uint8Array | string | null;
  /** As core's parser reads them (text or bytes, a list when a header repeats). */
  headers: NonNullable<KafkaRecordInput['headers']>;
  /** The last try the delivery side will make: a transient failure is then audited as failed, not retried. */
  finalAttempt: boolean;
  /** The record's key (Kafka: the partitioning key), which must name the event's user; absent when there is none. */
  key?: string | null;
  /** The Kafka record's timestamp (ms since the epoch, as text): the age of an event that has no `time`. */
  timestamp?: string;
  /**
   * Whether this member still owns the record's partition as far as it knows (no rebalance or heartbeat failure
   * seen since the batch began): asked right before each Zendesk action. Absent: always.
   */
  stillOwner?: () => boolean;
  /** Set when the record is a fired entry of the scheduled-steps topic (read from the retry topic only). */
  scheduled?: ScheduledFiring;
}

/** The result event to publish for a record. */
export interface ResultRecord {
  key: string;
  value: string;
  headers?: Record<string, string>;
}

/** What processing one record decided. The delivery side turns each verdict into Kafka writes and an offset. */
export type Verdict =
  /** Terminal: the result event to publish (the offset is committed with it, atomically). */
  | {
      kind: 'done';
      result: ResultRecord;
      summary: string;
      /** Writes to the scheduled-steps topic, in the same transaction as the result and the offset. */
      schedule?: ScheduleWrite[];
    }
  /** Terminal: the record cannot be processed (invalid, unknown type, too large, out of attempts). */
  | { kind: 'dead_letter'; reason: string; error: string }
  /** Transient: try again after a delay (Retry-After when the remote side gave one). */
  | { kind: 'retry'; reason: string; error: string; delayMs?: number }
  /** A safety rail holds this and later records of the partition (blast radius); not an error, not lost. */
  | { kind: 'hold'; reason: string; delayMs: number };
