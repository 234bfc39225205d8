/**
 * A record of a Kafka partition, as Spark's `ConsumerRecord` (kafka-0-10): its position, its
 * timestamp (epoch ms), its key and value through the stream's deserializers, its headers.
 * Offsets are numbers: an offset past 2^53 is an error (a partition would need 9 × 10^15 records).
 */
export interface ConsumerRecord<K, V> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: K | null;
  readonly value: V;
  readonly headers: readonly (readonly [string, Buffer | null])[];
}
