import { DStreamError } from '../../../errors.js';
import type { TopicPartition } from '../../../rdd/offset-range.js';
import type { KafkaParams } from '../read-settings.js';
import { offsetMapOf } from './topic-partitions.js';

/** Starting offsets per partition: a `Map<TopicPartition, number>`, or any such pairs. */
export type StartingOffsets = Iterable<readonly [TopicPartition, number]>;

/**
 * Told when the partitions a `Subscribe` or `SubscribePattern` stream reads change, as Kafka's
 * `ConsumerRebalanceListener`; called on the driver only, between batches.
 */
export interface ConsumerRebalanceListener {
  /**
   * Partitions the stream no longer reads, given to another process of the group (only with
   * `spark.streaming.kafka.scaleOut`; without it a revocation fails the stream, as in Spark).
   * Every batch that read them has ended, and what `commitAsync` queued for them is committed.
   */
  onPartitionsRevoked?(partitions: readonly TopicPartition[]): void | Promise<void>;
  /**
   * Partitions the stream reads from now on, before the first batch that reads them. What it
   * returns says where some of them start (Kafka's `seek` in this callback): the offsets kept
   * with the results in a store. The others start at the strategy's offsets, else the group's
   * committed offset, else by `auto.offset.reset`. When it throws, the partitions are left unread
   * and it is called again for them at the next batch.
   */
  onPartitionsAssigned?(
    partitions: readonly TopicPartition[],
  ): void | StartingOffsets | Promise<void | StartingOffsets>;
}

/** What a strategy reads: named topics, the topics a pattern matches, or fixed partitions. */
export type Subscription =
  | { readonly kind: 'subscribe'; readonly topics: readonly string[] }
  | { readonly kind: 'pattern'; readonly pattern: RegExp }
  | { readonly kind: 'assign'; readonly partitions: readonly TopicPartition[] };

/**
 * How a direct stream's driver consumer finds its partitions and where it starts, as Spark's
 * `ConsumerStrategy`: build one with {@link ConsumerStrategies}. `K` and `V` are the types the
 * key and value deserializers give.
 */
export class ConsumerStrategy<K, V> {
  /** Keeps K and V in the type (the deserializers are named in kafkaParams). */
  declare readonly recordTypes?: readonly [K, V];
  /** The starting offsets given, by topic partition. */
  readonly offsets: ReadonlyMap<string, number>;

  constructor(
    /** Which partitions to read: the topics, a pattern, or the partitions assigned. */
    readonly subscription: Subscription,
    /**
     * The consumer's settings, as Kafka's consumer configs (`bootstrap.servers`, `group.id`...).
     */
    readonly kafkaParams: KafkaParams,
    offsets: StartingOffsets = [],
    /** Told when the stream's partitions change (group strategies only). */
    readonly rebalanceListener?: ConsumerRebalanceListener,
  ) {
    this.offsets = offsetMapOf(offsets);
  }
}

function requireGroup(kafkaParams: KafkaParams, strategy: string): void {
  if (kafkaParams['group.id'] === undefined || kafkaParams['group.id'] === '') {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      `${strategy} needs a 'group.id' in kafkaParams (Kafka assigns the partitions of a consumer group): give each stream its own group.id`,
    );
  }
}

/** Spark's `ConsumerStrategies` (kafka-0-10). */
export const ConsumerStrategies = {
  /**
   * A fixed collection of topics, their partitions assigned by Kafka to the stream's consumer
   * group (`group.id`); partitions added to the topics later are read too. Starts each partition
   * at `offsets` if given, else at the group's committed offset, else by `auto.offset.reset`.
   * `listener` hears when the partitions change (Kafka's `subscribe(topics, listener)`); with
   * `spark.streaming.kafka.scaleOut` several processes share the partitions (docs/scale-out.md).
   */
  Subscribe<K = string, V = string>(
    topics: Iterable<string>,
    kafkaParams: KafkaParams,
    offsets?: StartingOffsets,
    listener?: ConsumerRebalanceListener,
  ): ConsumerStrategy<K, V> {
    requireGroup(kafkaParams, 'ConsumerStrategies.Subscribe');
    return new ConsumerStrategy<K, V>(
      { kind: 'subscribe', topics: [...topics] },
      kafkaParams,
      offsets,
      listener,
    );
  },

  /**
   * The topics whose names `pattern` matches (whole names), looked up again every
   * `metadata.max.age.ms` (Kafka's 300000 unless given) so that new matching topics are read.
   * `listener` as for {@link ConsumerStrategies.Subscribe}.
   */
  SubscribePattern<K = string, V = string>(
    pattern: RegExp,
    kafkaParams: KafkaParams,
    offsets?: StartingOffsets,
    listener?: ConsumerRebalanceListener,
  ): ConsumerStrategy<K, V> {
    requireGroup(kafkaParams, 'ConsumerStrategies.SubscribePattern');
    return new ConsumerStrategy<K, V>({ kind: 'pattern', pattern }, kafkaParams, offsets, listener);
  },

  /**
   * Fixed partitions, without group management: the stream reads exactly these. `group.id`, if
   * given, is where `commitAsync` commits and where committed offsets are looked up.
   */
  Assign<K = string, V = string>(
    topicPartitions: Iterable<TopicPartition>,
    kafkaParams: KafkaParams,
    offsets?: StartingOffsets,
  ): ConsumerStrategy<K, V> {
    const partitions = [...topicPartitions].map(({ topic, partition }) => ({ topic, partition }));
    return new ConsumerStrategy<K, V>({ kind: 'assign', partitions }, kafkaParams, offsets);
  },
};
