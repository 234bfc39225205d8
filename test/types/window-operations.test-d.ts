// Type tests of the window operations, with both overloads of reduceByWindow and
// reduceByKeyAndWindow, and reduceByKeyAndWindow's positional numPartitions and filterF.
import { expectTypeOf } from 'vitest';
import { Seconds, type DStream, type Pair } from 'dstream';

declare const lines: DStream<string>;
declare const nums: DStream<number>;
declare const counts: DStream<readonly [string, number]>;

const w = Seconds(30);
const s = Seconds(10);

// window, countByWindow
expectTypeOf(lines.window(w)).toEqualTypeOf<DStream<string>>();
expectTypeOf(lines.window(w, s)).toEqualTypeOf<DStream<string>>();
expectTypeOf(lines.countByWindow(w, s)).toEqualTypeOf<DStream<number>>();
// @ts-expect-error -- durations, not milliseconds
lines.window(30_000);
// @ts-expect-error -- countByWindow takes the slide too
lines.countByWindow(w);

// reduceByWindow: (f, window, slide) and (f, invF, window, slide)
expectTypeOf(nums.reduceByWindow((a, b) => a + b, w, s)).toEqualTypeOf<DStream<number>>();
expectTypeOf(
  nums.reduceByWindow(
    (a, b) => a + b,
    (a, b) => a - b,
    w,
    s,
  ),
).toEqualTypeOf<DStream<number>>();
expectTypeOf(
  lines
    .map(() => 1 as const)
    .reduceByWindow(
      (a, b) => a + b,
      (a, b) => a - b,
      w,
      s,
    ),
).toEqualTypeOf<DStream<number>>();
// @ts-expect-error -- the slide is required
nums.reduceByWindow((a, b) => a + b, w);
nums.reduceByWindow(
  (a, b) => a + b,
  // @ts-expect-error -- invF has f's type
  (a, b) => `${a - b}`,
  w,
  s,
);

// countByValueAndWindow
expectTypeOf(lines.countByValueAndWindow(w, s)).toEqualTypeOf<DStream<Pair<string, number>>>();
expectTypeOf(lines.countByValueAndWindow(w, s, 4)).toEqualTypeOf<DStream<Pair<string, number>>>();

// groupByKeyAndWindow
expectTypeOf(counts.groupByKeyAndWindow(w)).toEqualTypeOf<DStream<Pair<string, number[]>>>();
expectTypeOf(counts.groupByKeyAndWindow(w, s, 2)).toEqualTypeOf<DStream<Pair<string, number[]>>>();
// @ts-expect-error -- groupByKeyAndWindow needs a stream of pairs
lines.groupByKeyAndWindow(w);

// reduceByKeyAndWindow without invF: (f, window, slide?, numPartitions?)
const sum = (a: number, b: number) => a + b;
const minus = (a: number, b: number) => a - b;
expectTypeOf(counts.reduceByKeyAndWindow(sum, w)).toEqualTypeOf<DStream<Pair<string, number>>>();
expectTypeOf(counts.reduceByKeyAndWindow(sum, w, s)).toEqualTypeOf<DStream<Pair<string, number>>>();
expectTypeOf(counts.reduceByKeyAndWindow(sum, w, s, 4)).toEqualTypeOf<
  DStream<Pair<string, number>>
>();
// with invF: (f, invF, window, slide?, numPartitions?, filterF?)
expectTypeOf(counts.reduceByKeyAndWindow(sum, minus, w)).toEqualTypeOf<
  DStream<Pair<string, number>>
>();
expectTypeOf(counts.reduceByKeyAndWindow(sum, minus, w, s, 4)).toEqualTypeOf<
  DStream<Pair<string, number>>
>();
// Positional: pass undefined for numPartitions to give filterF.
expectTypeOf(
  counts.reduceByKeyAndWindow(sum, minus, w, s, undefined, (kv) => {
    expectTypeOf(kv).toEqualTypeOf<Pair<string, number>>();
    return kv[1] > 0;
  }),
).toEqualTypeOf<DStream<Pair<string, number>>>();
// Literal values are widened here too.
expectTypeOf(
  lines
    .map((l) => [l, 1] as const)
    .reduceByKeyAndWindow(
      (a, b) => a + b,
      (a, b) => a - b,
      w,
      s,
    ),
).toEqualTypeOf<DStream<Pair<string, number>>>();
// @ts-expect-error -- reduceByKeyAndWindow needs a stream of pairs
lines.reduceByKeyAndWindow((a: number, b: number) => a + b, w);
// @ts-expect-error -- filterF comes after numPartitions
counts.reduceByKeyAndWindow(sum, minus, w, s, ([, c]) => c > 0);
// @ts-expect-error -- f reduces values, not pairs
counts.reduceByKeyAndWindow((a: Pair<string, number>) => a, w);
