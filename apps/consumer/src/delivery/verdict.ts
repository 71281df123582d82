// What processing one record decided. The delivery loop turns each verdict into Kafka writes and an offset.
import type { Message } from 'kafkajs';

export type Verdict =
  /** Terminal: the result event to publish (the offset is committed with it, atomically). */
  | { kind: 'done'; result: Message; summary: string }
  /** Terminal: the record cannot be processed (invalid, unknown type, too large, out of attempts). */
  | { kind: 'dead_letter'; reason: string; error: string }
  /** Transient: try again after a delay (Retry-After when the remote side gave one). */
  | { kind: 'retry'; reason: string; error: string; delayMs?: number }
  /** A safety rail holds this and later records of the partition (blast radius); not an error, not lost. */
  | { kind: 'hold'; reason: string; delayMs: number };
