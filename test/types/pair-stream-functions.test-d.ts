// Type tests of the per-batch operations of streams of pairs: they type-check only on
// `DStream<readonly [K, V]>`, and widen literal values (`[w, 1] as const` counts numbers).
import { expectTypeOf } from 'vitest';
import type { DStream, Pair } from 'dstream';

declare const lines: DStream<string>;
declare const counts: DStream<readonly [string, number]>;
declare const flags: DStream<readonly [string, boolean]>;
declare const byId: DStream<readonly [number, string]>;

const ones = lines.map((w) => [w, 1] as const);
expectTypeOf(ones).toEqualTypeOf<DStream<readonly [string, 1]>>();

// reduceByKey: DESIGN.md's word count, values widened from the literal 1 to number
expectTypeOf(ones.reduceByKey((a, b) => a + b)).toEqualTypeOf<DStream<Pair<string, number>>>();
expectTypeOf(counts.reduceByKey((a, b) => a + b, 4)).toEqualTypeOf<DStream<Pair<string, number>>>();
ones.reduceByKey((a, b) => {
  expectTypeOf(a).toEqualTypeOf<number>();
  expectTypeOf(b).toEqualTypeOf<number>();
  return a + b;
});
// @ts-expect-error -- reduceByKey needs a stream of pairs: lines.reduceByKey is a compile error
lines.reduceByKey((a: number, b: number) => a + b);
// @ts-expect-error -- reduceByKey returns the value type
counts.reduceByKey((a, b) => `${a}${b}`);

// mapValues, flatMapValues
expectTypeOf(counts.mapValues((n) => n > 0)).toEqualTypeOf<DStream<Pair<string, boolean>>>();
expectTypeOf(counts.flatMapValues((n) => [n, -n])).toEqualTypeOf<DStream<Pair<string, number>>>();
// @ts-expect-error -- mapValues needs a stream of pairs
lines.mapValues((v) => v);
// @ts-expect-error -- the values are numbers
counts.mapValues((v: string) => v);
// @ts-expect-error -- flatMapValues' function returns an iterable
counts.flatMapValues((n) => n);

// groupByKey, combineByKey
expectTypeOf(counts.groupByKey()).toEqualTypeOf<DStream<Pair<string, number[]>>>();
expectTypeOf(ones.groupByKey(2)).toEqualTypeOf<DStream<Pair<string, 1[]>>>();
expectTypeOf(
  counts.combineByKey(
    (v) => [v],
    (c, v) => [...c, v],
    (a, b) => a.concat(b),
  ),
).toEqualTypeOf<DStream<Pair<string, number[]>>>();
expectTypeOf(
  counts.combineByKey(
    (v): [number, number] => [v, 1],
    ([sum, n], v): [number, number] => [sum + v, n + 1],
    ([s1, n1], [s2, n2]): [number, number] => [s1 + s2, n1 + n2],
    3,
  ),
).toEqualTypeOf<DStream<Pair<string, [number, number]>>>();
// @ts-expect-error -- groupByKey needs a stream of pairs
lines.groupByKey();
counts.combineByKey(
  (v) => [v],
  // @ts-expect-error -- mergeValue returns the combiner type
  (c, v) => v,
  (a, b) => a.concat(b),
);

// the joins: [k, [v, w]], a missing side is undefined
expectTypeOf(counts.join(flags)).toEqualTypeOf<DStream<Pair<string, readonly [number, boolean]>>>();
expectTypeOf(counts.leftOuterJoin(flags)).toEqualTypeOf<
  DStream<Pair<string, readonly [number, boolean | undefined]>>
>();
expectTypeOf(counts.rightOuterJoin(flags, 2)).toEqualTypeOf<
  DStream<Pair<string, readonly [number | undefined, boolean]>>
>();
expectTypeOf(counts.fullOuterJoin(flags)).toEqualTypeOf<
  DStream<Pair<string, readonly [number | undefined, boolean | undefined]>>
>();
expectTypeOf(counts.cogroup(flags)).toEqualTypeOf<
  DStream<Pair<string, readonly [number[], boolean[]]>>
>();
// @ts-expect-error -- join needs a stream of pairs on the left
lines.join(flags);
// @ts-expect-error -- and on the right
counts.join(lines);
// @ts-expect-error -- leftOuterJoin needs streams of pairs
lines.leftOuterJoin(lines);
// @ts-expect-error -- cogroup needs streams of pairs
counts.cogroup(lines);
// @ts-expect-error -- the keys of both sides have one type
counts.join(byId);
