import { DStreamError } from '../../errors.js';
import type { SparkContext } from '../../rdd/index.js';
import type { OffsetRange } from '../../rdd/offset-range.js';
import type { StreamingContext } from '../../streaming/streaming-context.js';
import type { ConsumerStrategy } from './direct/consumer-strategies.js';
import {
  DirectKafkaInputDStream,
  type KafkaPerPartitionConfig,
} from './direct/direct-kafka-input-dstream.js';
import type { LocationStrategy } from './direct/location-strategies.js';
import { KafkaRDD } from './kafka-rdd.js';
import './range-reader.js';
import { readSettings, type KafkaParams } from './read-settings.js';
import { createStream } from './receiver/create-stream.js';
import type { KafkaInputDStream } from './receiver/kafka-input-dstream.js';
import type { TopicThreads } from './receiver/stream-settings.js';

export type { KafkaParams } from './read-settings.js';

/** Spark's `KafkaUtils` (kafka-0-10): Kafka RDDs and streams. */
export const KafkaUtils = {
  /**
   * The records of `offsetRanges`, one RDD partition per range, read by whichever thread runs each
   * task (Spark's `KafkaUtils.createRDD`): a batch read of given offsets.
   *
   * @example
   * ```ts
   * import { KafkaUtils, OffsetRange } from 'dstream/kafka';
   * const rdd = KafkaUtils.createRDD<string, string>(sc, { 'bootstrap.servers': '127.0.0.1:9092' }, [
   *   OffsetRange.create('orders', 0, 0, 100),
   * ]);
   * console.log(await rdd.map((r) => r.value).collect());
   * ```
   */
  createRDD<K = string, V = string>(
    sc: SparkContext,
    kafkaParams: KafkaParams,
    offsetRanges: readonly OffsetRange[],
    locationStrategy?: LocationStrategy,
  ): KafkaRDD<K, V> {
    if (locationStrategy?.kind === 'PreferBrokers') {
      throw new DStreamError(
        'DSTREAM_ERR_INVALID_ARGUMENT',
        'If you want to prefer brokers, you must provide a mapping using PreferFixed A single KafkaRDD does not have a driver consumer and cannot look up brokers for you.',
      );
    }
    return new KafkaRDD<K, V>(sc, [...offsetRanges], readSettings(kafkaParams, sc.conf));
  },

  /**
   * A stream of the records of Kafka topics without a receiver (Spark's kafka-0-10
   * `createDirectStream`): each batch reads, per topic partition, the offsets that arrived since
   * the previous one (limited by `spark.streaming.kafka.maxRatePerPartition` and backpressure),
   * one RDD partition per topic partition. Its RDDs carry their `offsetRanges`; commit them with
   * `stream.commitAsync(ranges)` after your outputs, or keep them in your own store.
   *
   * @example
   * ```ts
   * import { ConsumerStrategies, KafkaUtils, LocationStrategies } from 'dstream/kafka';
   * const stream = KafkaUtils.createDirectStream<string, string>(
   *   ssc,
   *   LocationStrategies.PreferConsistent,
   *   ConsumerStrategies.Subscribe<string, string>(['orders'], {
   *     'bootstrap.servers': '127.0.0.1:9092',
   *     'group.id': 'orders',
   *     'auto.offset.reset': 'earliest',
   *   }),
   * );
   * stream.foreachRDD(async (rdd) => {
   *   console.log(await rdd.map((r) => r.value).collect());
   *   stream.commitAsync(rdd.offsetRanges);
   * });
   * ```
   */
  createDirectStream<K = string, V = string>(
    ssc: StreamingContext,
    locationStrategy: LocationStrategy,
    consumerStrategy: ConsumerStrategy<K, V>,
    perPartitionConfig?: KafkaPerPartitionConfig,
  ): DirectKafkaInputDStream<K, V> {
    void locationStrategy; // task threads of one process are alike: every strategy reads the same
    return new DirectKafkaInputDStream<K, V>(ssc, consumerStrategy, perPartitionConfig);
  },

  /**
   * The receiver-based stream (Spark's 0.8 `KafkaUtils.createStream`): `[key, value]` pairs of
   * `topics` read by a consumer group; each topic's number is its consumer threads, consumers in
   * the one receiver that share the partitions (not the batches' partitions: those are blocks).
   * With `spark.streaming.receiver.writeAheadLog.enable` and a checkpoint directory, offsets are
   * committed only once their records are in the write-ahead log: a crash loses nothing
   * (at-least-once). Without it a crash loses what was received and not yet processed. Starts
   * where the group committed, else at the end (`auto.offset.reset`: `largest`; or `smallest`).
   * Also `createStream(ssc, kafkaParams, topics)`. See docs/kafka.md.
   *
   * @example
   * ```ts
   * import { KafkaUtils } from 'dstream/kafka';
   * const lines = KafkaUtils.createStream(ssc, '127.0.0.1:9092', 'group', { orders: 1 });
   * lines.map(([, value]) => value).count().print();
   * ```
   */
  createStream: createStream as {
    (
      ssc: StreamingContext,
      bootstrapServers: string,
      groupId: string,
      topics: TopicThreads,
      kafkaParams?: KafkaParams,
    ): KafkaInputDStream;
    (ssc: StreamingContext, kafkaParams: KafkaParams, topics: TopicThreads): KafkaInputDStream;
  },
};
