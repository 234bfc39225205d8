import { DStreamError } from '../../errors.js';
import type { SparkContext } from '../../rdd/index.js';
import type { OffsetRange } from '../../rdd/offset-range.js';
import { parseBootstrap } from './client/load.js';
import { deserializerNamed } from './deserializers.js';
import { KafkaRDD, type KafkaReadSettings } from './kafka-rdd.js';
import './range-reader.js';

/** Kafka's own parameter names, as a Spark user passes them (`bootstrap.servers`, `group.id`...). */
export type KafkaParams = Readonly<Record<string, string | number | boolean | undefined>>;

/** Spark's `spark.streaming.kafka.consumer.poll.ms` default: `spark.network.timeout`, 120 s. */
const DEFAULT_POLL_MS = 120_000;

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
  const poll =
    conf.get('spark.streaming.kafka.consumer.poll.ms') ?? conf.get('spark.network.timeout');
  return {
    bootstrap: parseBootstrap(servers),
    groupId: String(kafkaParams['group.id'] ?? 'dstream'),
    key: deserializerNamed('key.deserializer', kafkaParams['key.deserializer']),
    value: deserializerNamed('value.deserializer', kafkaParams['value.deserializer']),
    pollTimeoutMs: poll === undefined ? DEFAULT_POLL_MS : parsePollMs(poll),
  };
}

function parsePollMs(text: string): number {
  const m = /^\s*(\d+)\s*(ms|s)?\s*$/.exec(text);
  if (!m) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_CONF',
      `spark.streaming.kafka.consumer.poll.ms must be a number of milliseconds, such as 120000; it is ${text}`,
    );
  }
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
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
