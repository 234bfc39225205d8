import { DStreamError } from '../../errors.js';
import type { SparkContext } from '../../rdd/index.js';
import type { OffsetRange } from '../../rdd/offset-range.js';
import { StreamingConf } from '../../streaming/conf.js';
import { Seconds } from '../../util/duration.js';
import { parseBootstrap } from './client/load.js';
import { deserializerNamed } from './deserializers.js';
import { KafkaRDD, type KafkaReadSettings } from './kafka-rdd.js';
import './range-reader.js';

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
};
