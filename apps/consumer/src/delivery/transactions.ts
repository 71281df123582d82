// Atomic "write the outcome, then move the offset": each terminal outcome (result, dead letter, retry hand-off)
// is produced in the same Kafka transaction as the consumer offset, so a crash never leaves one without the other.
// There is one transactional producer per input partition, named after the partition: when a partition moves
// to another member (a rebalance, a crash, a broker failure), the new owner's producer fences the old owner's,
// so a member that still believes it owns the partition cannot commit a second outcome for the same record.
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

export class TransactionalWriters {
  /** Producers are created per partition on first use. */
  private readonly producers = new Map<string, Promise<Producer>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly transactionalIdPrefix: string,
    private readonly transactionTimeoutMs = 30_000,
  ) {}

  async disconnect(): Promise<void> {
    const all = [...this.producers.values()];
    this.producers.clear();
    await Promise.allSettled(all.map(async (p) => (await p).disconnect()));
  }

  private producerFor(topic: string, partition: number): Promise<Producer> {
    const key = `${topic}-${partition}`;
    let producer = this.producers.get(key);
    if (!producer) {
      producer = (async () => {
        const p = this.kafka.producer({
          transactionalId: `${this.transactionalIdPrefix}-${this.groupId}-${key}`,
          idempotent: true,
          maxInFlightRequests: 1,
          transactionTimeout: this.transactionTimeoutMs,
          allowAutoTopicCreation: false,
          createPartitioner: Partitioners.DefaultPartitioner,
        });
        await p.connect();
        // kafkajs initialises the transactional id only at the first transaction(), not at connect(). An empty
        // transaction makes it happen now: that is the moment older producers of the id are fenced.
        const empty = await p.transaction();
        await empty.abort();
        return p;
      })();
      producer.catch(() => this.producers.delete(key));
      this.producers.set(key, producer);
    }
    return producer;
  }

  /**
   * Starts a fresh producer for this partition's transactional id, dropping the one this process had. Initialising
   * the id fences every older producer of it (in this process or a former owner of the partition) and first
   * completes or aborts any transaction such a producer left open, so afterwards the group's committed offset for
   * the partition is final: no outcome can be committed for it except through the new producer.
   */
  async fence(topic: string, partition: number): Promise<void> {
    const key = `${topic}-${partition}`;
    const previous = this.producers.get(key);
    this.producers.delete(key);
    if (previous) await (await previous.catch(() => undefined))?.disconnect().catch(() => undefined);
    await this.producerFor(topic, partition);
  }

  /** Produces `writes` and commits `offset` for the group in one transaction. */
  async commit(writes: OutcomeWrite[], offset: OffsetToCommit): Promise<void> {
    const key = `${offset.topic}-${offset.partition}`;
    const producer = await this.producerFor(offset.topic, offset.partition);
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
    } catch (error) {
      // A fenced or broken producer is dropped; the next owner of this partition starts a fresh one.
      this.producers.delete(key);
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }
}
