// Type tests of the stateless operations of every DStream (DESIGN.md's operator list). Checked by
// `npm run typecheck`; nothing here runs.
import { expectTypeOf } from 'vitest';
import type { DStream, RDD, Time } from 'dstream';

declare const lines: DStream<string>;
declare const nums: DStream<number>;

// map, flatMap, filter
expectTypeOf(lines.map((l) => l.length)).toEqualTypeOf<DStream<number>>();
expectTypeOf(lines.map((l) => [l, 1] as const)).toEqualTypeOf<DStream<readonly [string, 1]>>();
expectTypeOf(lines.flatMap((l) => l.split(' '))).toEqualTypeOf<DStream<string>>();
expectTypeOf(lines.flatMap((l) => new Set([l.length]))).toEqualTypeOf<DStream<number>>();
expectTypeOf(
  lines.flatMap(function* (l) {
    yield* l;
  }),
).toEqualTypeOf<DStream<string>>();
expectTypeOf(lines.filter((l) => l.length > 0)).toEqualTypeOf<DStream<string>>();
// @ts-expect-error -- a string stream's elements are not numbers
lines.map((n: number) => n + 1);
// @ts-expect-error -- a predicate returns a boolean
lines.filter((l) => l.length);
// @ts-expect-error -- flatMap's function returns an iterable
nums.flatMap((n) => n * 2);

// glom, mapPartitions, repartition
expectTypeOf(lines.glom()).toEqualTypeOf<DStream<string[]>>();
expectTypeOf(lines.mapPartitions((items) => [items.length])).toEqualTypeOf<DStream<number>>();
expectTypeOf(lines.mapPartitions((items: Iterable<string>) => items)).toEqualTypeOf<
  DStream<string>
>();
expectTypeOf(lines.mapPartitions((items) => items, true)).toEqualTypeOf<DStream<string>>();
expectTypeOf(lines.repartition(4)).toEqualTypeOf<DStream<string>>();
// @ts-expect-error -- a partition count is a number
lines.repartition('4');

// union
expectTypeOf(lines.union(lines)).toEqualTypeOf<DStream<string>>();
// @ts-expect-error -- the union of streams of one element type
lines.union(nums);

// count, countByValue, reduce
expectTypeOf(lines.count()).toEqualTypeOf<DStream<number>>();
expectTypeOf(lines.countByValue()).toEqualTypeOf<DStream<readonly [string, number]>>();
expectTypeOf(lines.countByValue(2)).toEqualTypeOf<DStream<readonly [string, number]>>();
expectTypeOf(nums.reduce((a, b) => a + b)).toEqualTypeOf<DStream<number>>();
expectTypeOf(lines.reduce((a, b) => a + b)).toEqualTypeOf<DStream<string>>();
// Literal elements are widened: a stream of 1s reduces numbers.
expectTypeOf(lines.map(() => 1 as const).reduce((a, b) => a + b)).toEqualTypeOf<DStream<number>>();
// @ts-expect-error -- reduce returns the element type
nums.reduce((a, b) => `${a}${b}`);
// @ts-expect-error -- reduce takes two elements
nums.reduce((a: number, b: number, c: number) => a + b + c);

// transform, transformWith
expectTypeOf(
  lines.transform((rdd, time) => {
    expectTypeOf(rdd).toEqualTypeOf<RDD<string>>();
    expectTypeOf(time).toEqualTypeOf<Time>();
    return rdd.map((l) => l.length);
  }),
).toEqualTypeOf<DStream<number>>();
expectTypeOf(
  lines.transformWith(nums, (rdd, otherRdd, time) => {
    expectTypeOf(rdd).toEqualTypeOf<RDD<string>>();
    expectTypeOf(otherRdd).toEqualTypeOf<RDD<number>>();
    expectTypeOf(time).toEqualTypeOf<Time>();
    return otherRdd.map(String).union(rdd);
  }),
).toEqualTypeOf<DStream<string>>();
// @ts-expect-error -- transform returns an RDD
lines.transform((rdd) => rdd.collect());
// @ts-expect-error -- transform's function gets this stream's RDD
lines.transform((rdd: RDD<number>) => rdd);

// the members of DStream itself
expectTypeOf(lines.slice).returns.toEqualTypeOf<RDD<string>[]>();
expectTypeOf(lines.cache()).toEqualTypeOf<DStream<string>>();
expectTypeOf(lines.persist()).toEqualTypeOf<DStream<string>>();
