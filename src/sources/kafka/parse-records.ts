import { messageOf } from '../../errors.js';
import type { DStream } from '../../dstream/dstream.js';
import type { RDD } from '../../rdd/index.js';
import { BadRecords } from './bad-records.js';
import type { ConsumerRecord } from './consumer-record.js';
import { writeDeadLettersInTask, type DeadLetter } from './dead-letters.js';
import type { DirectKafkaInputDStream } from './direct/direct-kafka-input-dstream.js';
import type { KafkaRDD, KafkaReadSettings } from './kafka-rdd.js';

/**
 * Parses each record of a Kafka direct stream (or of a `KafkaUtils.createRDD` RDD) with `parse`,
 * under the same bad-record policy as the deserializers (`spark.streaming.kafka.badRecords`): a
 * record `parse` throws on fails the batch (`fail`, the default, as a throwing `map` does), is
 * left out and counted (`skip`), or is written to `spark.streaming.kafka.deadLetterTopic` with the
 * error in its headers (`deadLetter`) while the stream runs on. Like Spark's `map`, but a bad
 * record need not stop the application.
 *
 * Apply it to the stream itself (its RDD partitions are the Kafka ranges); the result is an
 * ordinary DStream. A dead letter holds the record's original bytes where its deserializer kept
 * them (`buffer`, `string`); a `json` key or value is written as `JSON.stringify` gives it.
 *
 * @example
 * ```ts
 * import { Seconds, StreamingContext } from 'dstream';
 * import { KafkaUtils, LocationStrategies, ConsumerStrategies, parseRecords } from 'dstream/kafka';
 * const kafkaParams = { 'bootstrap.servers': '127.0.0.1:9092', 'group.id': 'orders' };
 * const Order = { parse: (json: unknown) => json as { orderId: string; amount: number } };
 * const ssc = new StreamingContext({ master: 'local[2]', appName: 'orders', batchDuration: Seconds(5),
 *   conf: { 'spark.streaming.kafka.badRecords': 'deadLetter',
 *           'spark.streaming.kafka.deadLetterTopic': 'orders-dead' } });
 * const stream = KafkaUtils.createDirectStream<string, string>(ssc, LocationStrategies.PreferConsistent,
 *   ConsumerStrategies.Subscribe(['orders'], kafkaParams));
 * const orders = parseRecords(stream, (r) => Order.parse(JSON.parse(r.value)));
 * ```
 */
export function parseRecords<K, V, R>(
  stream: DirectKafkaInputDStream<K, V>,
  parse: (record: ConsumerRecord<K, V>) => R,
): DStream<R>;
export function parseRecords<K, V, R>(
  rdd: KafkaRDD<K, V>,
  parse: (record: ConsumerRecord<K, V>) => R,
): RDD<R>;
export function parseRecords<K, V, R>(
  input: DirectKafkaInputDStream<K, V> | KafkaRDD<K, V>,
  parse: (record: ConsumerRecord<K, V>) => R,
): DStream<R> | RDD<R> {
  // Read when declared: every thread that builds the graph gets the same settings.
  const settings = input.readSettings;
  const f = (records: ConsumerRecord<K, V>[]) => parsePartition(settings, records, parse);
  return isStream(input) ? input.mapPartitions(f) : input.mapPartitions(f);
}

function isStream<K, V>(
  input: DirectKafkaInputDStream<K, V> | KafkaRDD<K, V>,
): input is DirectKafkaInputDStream<K, V> {
  return 'slideDuration' in input;
}

/** Parses one partition (one offset range); writes its dead letters before it returns. */
function parsePartition<K, V, R>(
  settings: KafkaReadSettings,
  records: readonly ConsumerRecord<K, V>[],
  parse: (record: ConsumerRecord<K, V>) => R,
): R[] {
  const first = records[0];
  if (first === undefined) return [];
  const last = records[records.length - 1]!;
  const bad = new BadRecords(settings, {
    groupId: settings.groupId,
    topic: first.topic,
    partition: first.partition,
    fromOffset: first.offset,
    untilOffset: last.offset + 1,
  });
  const parsed: R[] = [];
  for (const r of records) {
    try {
      parsed.push(parse(r));
    } catch (e) {
      bad.found(
        letterOf(r, settings.groupId, e),
        'DSTREAM_ERR_KAFKA_PARSE',
        `Cannot parse record ${r.topic}-${r.partition}@${r.offset}: ${messageOf(e)}`,
      );
    }
  }
  if (settings.deadLetterTopic !== undefined) {
    writeDeadLettersInTask(settings.bootstrap, settings.deadLetterTopic, bad.letters);
  }
  bad.report('rejected by the parse function');
  return parsed;
}

function letterOf<K, V>(r: ConsumerRecord<K, V>, groupId: string, error: unknown): DeadLetter {
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    key: bytesOf(r.key),
    value: bytesOf(r.value),
    headers: r.headers,
    stage: 'parse',
    groupId,
    error,
  };
}

/** A deserialized key or value as bytes again: what the buffer and string deserializers read. */
function bytesOf(x: unknown): Buffer | null {
  if (x === null || x === undefined) return null;
  if (Buffer.isBuffer(x)) return x;
  if (typeof x === 'string') return Buffer.from(x, 'utf8');
  return Buffer.from(JSON.stringify(x), 'utf8');
}
