// Type tests of the output operations: print, foreachRDD (sync or async), saveAsTextFiles.
import { expectTypeOf } from 'vitest';
import type { DStream, RDD, Time } from 'dstream';

declare const lines: DStream<string>;
declare const counts: DStream<readonly [string, number]>;

expectTypeOf(lines.print()).toEqualTypeOf<void>();
expectTypeOf(counts.print(20)).toEqualTypeOf<void>();
// @ts-expect-error -- print takes a number of elements
lines.print('10');

expectTypeOf(
  lines.foreachRDD((rdd, time) => {
    expectTypeOf(rdd).toEqualTypeOf<RDD<string>>();
    expectTypeOf(time).toEqualTypeOf<Time>();
  }),
).toEqualTypeOf<void>();
expectTypeOf(
  counts.foreachRDD(async (rdd) => {
    expectTypeOf(rdd).toEqualTypeOf<RDD<readonly [string, number]>>();
    if (await rdd.isEmpty()) return;
    await rdd.foreachPartition(async (items) => {
      expectTypeOf(items).toEqualTypeOf<Iterable<readonly [string, number]>>();
    });
  }),
).toEqualTypeOf<void>();
// @ts-expect-error -- the RDDs of a string stream hold strings
lines.foreachRDD((rdd: RDD<number>) => rdd);
// What the callback returns or resolves to is discarded (Scala adapts a function to Unit): a write
// that resolves to its result is one line.
lines.foreachRDD(async (rdd) => rdd.collect());

expectTypeOf(lines.saveAsTextFiles('out/words')).toEqualTypeOf<void>();
expectTypeOf(lines.saveAsTextFiles('out/words', 'txt')).toEqualTypeOf<void>();
// @ts-expect-error -- a prefix is a string
lines.saveAsTextFiles(42);
