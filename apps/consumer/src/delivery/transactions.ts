// Atomic "write the outcome, then move the offset": each terminal outcome (result, dead letter, retry hand-off)
// is produced in the same Kafka transaction as the consumer offset, so a crash never leaves one without the other.
import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';

export interface OutcomeWrite {
  topic: string;
  messages: Message[];
}

export interface OffsetToCommit {
  topic: string;
  partition: number;
  /** The next offset to read (last processed + 1). */
  offset: string;
}

/** A fixed set of transactional producers, one per partition processed concurrently. */
export class TransactionalWriters {
  private readonly idle: Producer[] = [];
  private readonly waiting: Array<(p: Producer) => void> = [];
  private readonly all: Producer[] = [];

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly transactionalIdPrefix: string,
    private readonly size: number,
    private readonly transactionTimeoutMs = 30_000,
  ) {}

  async connect(): Promise<void> {
    for (let slot = 0; slot < this.size; slot++) {
      const producer = this.kafka.producer({
        transactionalId: `${this.transactionalIdPrefix}-${slot}`,
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: this.transactionTimeoutMs,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      this.all.push(producer);
      this.idle.push(producer);
    }
  }

  async disconnect(): Promise<void> {
    await Promise.allSettled(this.all.map((p) => p.disconnect()));
  }

  /** Produces `writes` and commits `offset` for the group in one transaction. */
  async commit(writes: OutcomeWrite[], offset: OffsetToCommit): Promise<void> {
    const producer = await this.acquire();
    try {
      const transaction = await producer.transaction();
      try {
        for (const write of writes) await transaction.send({ topic: write.topic, messages: write.messages });
        await transaction.sendOffsets({
          consumerGroupId: this.groupId,
          topics: [
            { topic: offset.topic, partitions: [{ partition: offset.partition, offset: offset.offset }] },
          ],
        });
        await transaction.commit();
      } catch (error) {
        await transaction.abort().catch(() => undefined);
        throw error;
      }
    } finally {
      this.release(producer);
    }
  }

  private acquire(): Promise<Producer> {
    const producer = this.idle.pop();
    if (producer) return Promise.resolve(producer);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(producer: Producer): void {
    const next = this.waiting.shift();
    if (next) next(producer);
    else this.idle.push(producer);
  }
}
