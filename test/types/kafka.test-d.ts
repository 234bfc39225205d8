// Type tests of dstream/kafka: records typed by the strategy's K and V, the direct stream's own
// RDDs carrying their offset ranges, commitAsync's callback, strategies' arguments and their
// rebalance listener.
import { expectTypeOf } from 'vitest';
import type { DStream, RDD, StreamingContext } from 'dstream';
import {
  ConsumerStrategies,
  KafkaUtils,
  LocationStrategies,
  hasOffsetRanges,
  type CommittedOffset,
  type ConsumerRebalanceListener,
  type ConsumerRecord,
  type KafkaRDD,
  type OffsetRange,
  type TopicPartition,
} from 'dstream/kafka';

declare const ssc: StreamingContext;
const params = { 'bootstrap.servers': '127.0.0.1:9092', 'group.id': 'g' };

const stream = KafkaUtils.createDirectStream(
  ssc,
  LocationStrategies.PreferConsistent,
  ConsumerStrategies.Subscribe<string, { total: number }>(['orders'], params),
);
expectTypeOf(stream.map((r) => r.value.total)).toEqualTypeOf<DStream<number>>();
expectTypeOf(stream.map((r) => r.key)).toEqualTypeOf<DStream<string | null>>();

stream.foreachRDD((rdd) => {
  expectTypeOf(rdd).toEqualTypeOf<KafkaRDD<string, { total: number }>>();
  expectTypeOf(rdd.offsetRanges).toEqualTypeOf<readonly OffsetRange[]>();
  stream.commitAsync(rdd.offsetRanges, (offsets, error) => {
    expectTypeOf(offsets).toEqualTypeOf<readonly CommittedOffset[]>();
    expectTypeOf(error).toEqualTypeOf<Error | undefined>();
  });
});
const values = stream.transform((rdd) => {
  expectTypeOf(rdd.offsetRanges).toEqualTypeOf<readonly OffsetRange[]>();
  return rdd.map((r) => r.value);
});
expectTypeOf(values).toEqualTypeOf<DStream<{ total: number }>>();

// Any other RDD needs the guard, as Spark's cast to HasOffsetRanges.
declare const other: RDD<ConsumerRecord<string, string>>;
// @ts-expect-error -- a derived RDD does not know its ranges
void other.offsetRanges;
if (hasOffsetRanges(other))
  expectTypeOf(other.offsetRanges).toEqualTypeOf<readonly OffsetRange[]>();

ConsumerStrategies.Assign(
  [{ topic: 'orders', partition: 0 }],
  params,
  new Map([[{ topic: 'orders', partition: 0 }, 5]]),
);
ConsumerStrategies.SubscribePattern(/orders-.*/, params);
// @ts-expect-error -- Assign takes topic partitions, not topic names
ConsumerStrategies.Assign(['orders'], params);
const textOffsets = new Map([[{ topic: 'orders', partition: 0 }, '5']]);
// @ts-expect-error -- starting offsets are numbers
ConsumerStrategies.Subscribe(['orders'], params, textOffsets);

// A rebalance listener: partitions in, optional starting offsets out (sync or async).
ConsumerStrategies.Subscribe(['orders'], params, [], {
  onPartitionsRevoked(partitions) {
    expectTypeOf(partitions).toEqualTypeOf<readonly TopicPartition[]>();
  },
  onPartitionsAssigned: async (partitions) => partitions.map((p) => [p, 0] as const),
});
ConsumerStrategies.SubscribePattern(/orders-.*/, params, undefined, {
  onPartitionsAssigned: () => undefined,
});
const listener: ConsumerRebalanceListener = {
  // @ts-expect-error -- starting offsets are numbers
  onPartitionsAssigned: (partitions) => partitions.map((p) => [p, '0'] as const),
};
void listener;
// @ts-expect-error -- Assign joins no group: nothing to listen to
ConsumerStrategies.Assign([{ topic: 'orders', partition: 0 }], params, [], {});
