// Partition fencing: before a member writes the first outcome for a partition it owns (again), it fences the
// partition's transactional id and reads the group's committed offset, once per partition and group generation.
import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from '@zendesk-lifecycle/service-runtime';
import type { TransactionalWriters } from './transactions.js';

export class PartitionFence {
  /** Bumped on every group join: partitions may have moved, so each must be fenced again before use. */
  private generation = 0;
  /**
   * Per partition ("topic/partition"), the generation in which this member fenced it and the group's committed
   * offset it read then. A partition without an entry for the current generation is not yet safe to write.
   */
  private readonly fenced = new Map<string, { generation: number; committed: bigint }>();
  private admin: Admin | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly writers: TransactionalWriters,
    private readonly groupId: string,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  async connect(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
  }

  async disconnect(): Promise<void> {
    await this.admin?.disconnect();
  }

  /** The group was joined (again): every partition must be fenced anew. */
  newGeneration(): void {
    this.generation++;
  }

  /** Forgets a partition's fence, so that the next use fences it again (after a failed commit). */
  forget(topic: string, partition: number): void {
    this.fenced.delete(`${topic}/${partition}`);
  }

  /**
   * The group's committed offset for a partition, read after fencing the partition's transactional id, once per
   * partition and group generation. Without the fence, a former owner of the partition (a member that lost it in a
   * rebalance, or one cut off by a broker failure) could still commit the outcome of a record this member is about
   * to process again, and the record would have two outcomes. Broker trouble is waited out.
   */
  async committedOffset(topic: string, partition: number): Promise<bigint> {
    const tp = `${topic}/${partition}`;
    const generation = this.generation;
    const known = this.fenced.get(tp);
    if (known?.generation === generation) return known.committed;
    let lastError: unknown;
    const started = this.now();
    for (let attempt = 0; attempt < 30; attempt++) {
      try {
        this.logger.debug({ topic, partition, generation, attempt }, 'fencing the partition');
        await this.writers.fence(topic, partition);
        const [offsets] = await this.admin!.fetchOffsets({ groupId: this.groupId, topics: [topic] });
        const committed = BigInt(offsets?.partitions.find((p) => p.partition === partition)?.offset ?? '-1');
        this.fenced.set(tp, { generation, committed });
        this.logger.info(
          { topic, partition, generation, committed: committed.toString(), ms: this.now() - started },
          'partition fenced; committed offset read',
        );
        return committed;
      } catch (error) {
        lastError = error;
        this.logger.warn({ topic, partition, attempt, err: error }, 'could not fence the partition yet');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    throw new Error(`partition ${tp} could not be fenced: ${(lastError as Error).message}`, {
      cause: lastError,
    });
  }
}
