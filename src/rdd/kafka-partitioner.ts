import { DStreamError } from '../errors.js';
import { checkPartitionCount, type Partitioner } from './partitioner.js';

/**
 * Places a key in the partition Kafka's default partitioner sends a record with that key to: the
 * murmur2 hash of the key's bytes, made positive, modulo the partition count (Kafka's
 * `Utils.toPositive(Utils.murmur2(bytes)) % numPartitions`). A stateful operator given one over
 * its input topic's partition count keeps state partition p for the keys of Kafka partition p:
 * the keys are co-partitioned with the topic, as Kafka Streams requires, so the state of a
 * partition can move with it when processes of one group share the topic
 * (`spark.streaming.kafka.scaleOut`, docs/scale-out.md).
 *
 * Keys are hashed as a Kafka producer serializes them: strings as UTF-8 (Kafka's
 * StringSerializer), Buffers and Uint8Arrays as they are, numbers and bigints as their decimal
 * string. Other keys have no Kafka form and are refused.
 *
 * @example
 * ```ts
 * import { KafkaPartitioner } from 'dstream/kafka';
 * // orders keyed by province, on a 3-partition topic
 * const totals = pairs.updateStateByKey(
 *   (amounts: number[], total: number | undefined) => amounts.reduce((a, b) => a + b, total ?? 0),
 *   new KafkaPartitioner(3),
 * );
 * ```
 */
export class KafkaPartitioner implements Partitioner {
  /**
   * A partitioner into `numPartitions` partitions, the input topic's partition count.
   * @param numPartitions How many partitions the topic has (at least 1).
   */
  constructor(readonly numPartitions: number) {
    checkPartitionCount(numPartitions);
  }

  /** The Kafka partition of `key` (see the class comment for how keys become bytes). */
  getPartition(key: unknown): number {
    const bytes = keyBytes(key);
    return (
      (murmur2(bytes, bytes === scratch ? scratchLength : bytes.length) & 0x7fffffff) %
      this.numPartitions
    );
  }

  /** Whether `other` is a `KafkaPartitioner` with as many partitions. */
  equals(other: Partitioner | undefined): boolean {
    return other instanceof KafkaPartitioner && other.numPartitions === this.numPartitions;
  }
}

/** Where short keys are encoded: placing a record copies nothing onto the heap. */
const scratch = Buffer.allocUnsafe(1024);
let scratchLength = 0;

/** The key's bytes: `scratch` (its first `scratchLength`) for a string that fits, else its own. */
function keyBytes(key: unknown): Uint8Array {
  if (typeof key === 'number' || typeof key === 'bigint') key = String(key);
  if (typeof key === 'string') {
    // At most 3 bytes per UTF-16 unit: a key this short always fits.
    if (key.length * 3 <= scratch.length) {
      scratchLength = scratch.write(key, 0, 'utf8');
      return scratch;
    }
    return Buffer.from(key, 'utf8');
  }
  if (key instanceof Uint8Array) return key;
  throw new DStreamError(
    'DSTREAM_ERR_INVALID_ARGUMENT',
    `KafkaPartitioner places string, Buffer and number keys as Kafka's default partitioner does; key ${String(key)} (${typeof key}) has no Kafka form: key the stream by a string`,
  );
}

/** Kafka's `Utils.murmur2` of the first `length` bytes, a 32-bit signed result, as Java computes it. */
export function murmur2(data: Uint8Array, length = data.length): number {
  const m = 0x5bd1e995;
  let h = 0x9747b28c ^ length;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = length & ~3;
  // Java's switch falls through from the last byte left to the first.
  const left = length % 4;
  if (left === 3) h ^= data[tail + 2]! << 16;
  if (left >= 2) h ^= data[tail + 1]! << 8;
  if (left >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}
