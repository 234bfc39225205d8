import { DStreamError } from '../../errors.js';
import type { SparkContext } from '../../rdd/index.js';
import type { OffsetRange } from '../../rdd/offset-range.js';
import { StreamingConf } from '../../streaming/conf.js';
import { Seconds } from '../../util/duration.js';
import { parseBootstrap } from './client/load.js';
import { deserializerNamed } from './deserializers.js';
import { KafkaRDD, type KafkaReadSettings } from './kafka-rdd.js';
import './range-reader.js';
import { createStream } from './receiver/create-stream.js';
import type { KafkaInputDStream } from './receiver/kafka-input-dstream.js';
import type { TopicThreads } from './receiver/stream-settings.js';
import type { StreamingContext } from '../../streaming/streaming-context.js';

/** Kafka's own parameter names, as a Spark user passes them (`bootstrap.servers`, `group.id`...). */
export type KafkaParams = Readonly<Record<string, string | number | boolean | undefined>>;

/** Reads the settings a Kafka read needs from Kafka parameters and the context's conf. */
export function readSettings(
  kafkaParams: KafkaParams,
  conf: ReadonlyMap<string, string>,
): KafkaReadSettings {
  const servers = kafkaParams['bootstrap.servers'];
  if (typeof servers !== 'string' || servers.trim() === '') {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      "kafkaParams must give 'bootstrap.servers' (host:port[,host:port...]), such as { 'bootstrap.servers': '127.0.0.1:9092' }",
    );
  }
  // Spark's default for the poll timeout is spark.network.timeout (120 s, read in seconds).
  const settings = new StreamingConf(conf);
  const poll = settings.getDuration(
    'spark.streaming.kafka.consumer.poll.ms',
    settings.getDuration('spark.network.timeout', Seconds(120), 's'),
  );
  return {
    bootstrap: parseBootstrap(servers),
    groupId: String(kafkaParams['group.id'] ?? 'dstream'),
    key: deserializerNamed('key.deserializer', kafkaParams['key.deserializer']),
    value: deserializerNamed('value.deserializer', kafkaParams['value.deserializer']),
    pollTimeoutMs: poll.milliseconds,
  };
}

/** Spark's `KafkaUtils` (kafka-0-10): Kafka RDDs and streams. */
export const KafkaUtils = {
  /**
   * The records of `offsetRanges`, one RDD partition per range, read by whichever thread runs each
   * task (Spark's `KafkaUtils.createRDD`): a batch read of given offsets.
   *
   * @example
   * ```ts
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
  ): KafkaRDD<K, V> {
    return new KafkaRDD<K, V>(sc, [...offsetRanges], readSettings(kafkaParams, sc.conf));
  },

  /**
   * The receiver-based stream (Spark's 0.8 `KafkaUtils.createStream`): `[key, value]` pairs of
   * `topics` read by a consumer group; each topic's number is its consumer threads, consumers in
   * the one receiver that share the partitions (not the batches' partitions: those are blocks).
   * With `spark.streaming.receiver.writeAheadLog.enable` and a checkpoint directory, offsets are
   * committed only once their records are in the write-ahead log: a crash loses nothing
   * (at-least-once). Without it a crash loses what was received and not yet processed. Starts
   * where the group committed, else at the end (`auto.offset.reset`: `largest`; or `smallest`).
   * Also `createStream(ssc, kafkaParams, topics)`. See docs/kafka-receiver.md.
   *
   * @example
   * ```ts
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
