/**
 * A record of a Kafka partition, as Spark's `ConsumerRecord` (kafka-0-10): its position, its
 * timestamp (epoch ms), its key and value through the stream's deserializers, its headers.
 * Offsets are numbers: an offset past 2^53 is an error (a partition would need 9 × 10^15 records).
 */
export interface ConsumerRecord<K, V> {
  /** The topic it was read from. */
  readonly topic: string;
  /** The partition it was read from. */
  readonly partition: number;
  /** Its offset in the partition. */
  readonly offset: number;
  /** Its timestamp, in epoch ms (the producer's or the broker's, as the topic says). */
  readonly timestamp: number;
  /** Its key through the key deserializer; `null` when it has none. */
  readonly key: K | null;
  /** Its value through the value deserializer. */
  readonly value: V;
  /** Its headers, in order, as `[name, value]`. */
  readonly headers: readonly (readonly [string, Buffer | null])[];
}
