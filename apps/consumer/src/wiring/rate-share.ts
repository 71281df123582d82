// The consumer's hint to its Zendesk clients about their share of the account's rate budget: its part of the
// events topic's partitions, given again on every join of the group (a rebalance: an instance joining or
// leaving). Several instances on one account then split Zendesk's budget by the work each holds, with nothing
// shared but Kafka's own assignment (docs/operations.md, "Several instances on one account").
//
// The delivery loop owns its consumer; this module sees its group joins by handing the service a Kafka whose
// consumer for the delivery group reports them (the loop's code is untouched).
import type { Consumer, ConsumerConfig, Kafka } from 'kafkajs';
import type { Logger } from '@zendesk-lifecycle/service-runtime';

/** What takes the hint (ZendeskClient.shareRateBudget). */
export interface RateShareTarget {
  shareRateBudget(share: number | null): void;
}

/** Our part of the work: our partitions of `topic` against all of its partitions (null when not known). */
export function partitionShare(
  assignment: Record<string, number[] | undefined>,
  topic: string,
  totalPartitions: number | undefined,
): number | null {
  if (!totalPartitions || totalPartitions <= 0) return null;
  return Math.min(1, (assignment[topic]?.length ?? 0) / totalPartitions);
}

/**
 * A Kafka like `kafka` whose consumer for `groupId` gives every target its share of the partitions of
 * `topic` whenever it joins the group.
 */
export function shareRateBudgetByPartitions(options: {
  kafka: Kafka;
  groupId: string;
  topic: string;
  targets: RateShareTarget[];
  logger: Logger;
}): Kafka {
  const { kafka, groupId, topic, targets, logger } = options;
  let total: Promise<number | undefined> | undefined;
  const partitionCount = (): Promise<number | undefined> =>
    (total ??= (async () => {
      const admin = kafka.admin();
      try {
        await admin.connect();
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        return topics[0]?.partitions.length;
      } catch (error) {
        logger.warn({ err: error, topic }, 'rate budget: could not count the partitions; no share given');
        total = undefined;
        return undefined;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    })());
  const wrapped = Object.create(kafka) as Kafka;
  wrapped.consumer = (config: ConsumerConfig): Consumer => {
    const consumer = kafka.consumer(config);
    if (config.groupId !== groupId) return consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      void partitionCount().then((count) => {
        const share = partitionShare(event.payload.memberAssignment, topic, count);
        for (const target of targets) target.shareRateBudget(share);
        logger.info(
          { partitions: event.payload.memberAssignment[topic]?.length ?? 0, of: count, share },
          'rate budget: this instance’s share of the Zendesk account',
        );
      });
    });
    return consumer;
  };
  return wrapped;
}
