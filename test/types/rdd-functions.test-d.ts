// Type tests of RDDs: lazy transformations, async actions (Promises), and the pair operations
// that type-check only on RDDs of `readonly [K, V]` pairs.
import { expectTypeOf } from 'vitest';
import { HashPartitioner, type Pair, type RDD, type SparkContext } from 'dstream';

declare const sc: SparkContext;

const nums = sc.parallelize([1, 2, 3], 2);
const words = sc.parallelize(['a', 'b']);
const counts = words.map((w) => [w, 1] as const);
declare const towns: RDD<readonly [string, string]>;
declare const byId: RDD<readonly [number, string]>;

// transformations
expectTypeOf(nums).toEqualTypeOf<RDD<number>>();
expectTypeOf(nums.map(String)).toEqualTypeOf<RDD<string>>();
expectTypeOf(words.flatMap((w) => w.split(''))).toEqualTypeOf<RDD<string>>();
expectTypeOf(nums.filter((n) => n > 1)).toEqualTypeOf<RDD<number>>();
expectTypeOf(nums.glom()).toEqualTypeOf<RDD<number[]>>();
expectTypeOf(nums.mapPartitions((items) => [items.length], true)).toEqualTypeOf<RDD<number>>();
expectTypeOf(nums.mapPartitionsWithIndex((i, items) => items.map((n) => n + i))).toEqualTypeOf<
  RDD<number>
>();
expectTypeOf(nums.union(nums)).toEqualTypeOf<RDD<number>>();
expectTypeOf(nums.repartition(3)).toEqualTypeOf<RDD<number>>();
expectTypeOf(nums.coalesce(1)).toEqualTypeOf<RDD<number>>();
expectTypeOf(nums.coalesce(4, true)).toEqualTypeOf<RDD<number>>();
expectTypeOf(nums.distinct()).toEqualTypeOf<RDD<number>>();
expectTypeOf(words.keyBy((w) => w.length)).toEqualTypeOf<RDD<readonly [number, string]>>();
expectTypeOf(words.sortBy((w) => w.length, false, 2)).toEqualTypeOf<RDD<string>>();
expectTypeOf(words.zipWithIndex()).toEqualTypeOf<RDD<readonly [string, number]>>();
// @ts-expect-error -- the union of RDDs of one element type
nums.union(words);
// @ts-expect-error -- mapPartitionsWithIndex takes the index first
nums.mapPartitionsWithIndex((items: number[], i: number) => items.slice(i));

// actions are async
expectTypeOf(nums.collect()).toEqualTypeOf<Promise<number[]>>();
expectTypeOf(nums.count()).toEqualTypeOf<Promise<number>>();
expectTypeOf(nums.first()).toEqualTypeOf<Promise<number>>();
expectTypeOf(nums.take(2)).toEqualTypeOf<Promise<number[]>>();
expectTypeOf(nums.isEmpty()).toEqualTypeOf<Promise<boolean>>();
expectTypeOf(nums.reduce((a, b) => a + b)).toEqualTypeOf<Promise<number>>();
expectTypeOf(nums.fold(0, (a, b) => a + b)).toEqualTypeOf<Promise<number>>();
expectTypeOf(nums.foreach((n) => void n)).toEqualTypeOf<Promise<void>>();
expectTypeOf(nums.foreachPartition(async (items) => void items)).toEqualTypeOf<Promise<void>>();
expectTypeOf(words.countByValue()).toEqualTypeOf<Promise<Map<string, number>>>();
expectTypeOf(words.saveAsTextFile('out')).toEqualTypeOf<Promise<void>>();
expectTypeOf(nums.getNumPartitions()).toEqualTypeOf<number>();

// pair operations
expectTypeOf(counts.reduceByKey((a, b) => a + b)).toEqualTypeOf<RDD<Pair<string, number>>>();
expectTypeOf(counts.reduceByKey((a, b) => a + b, new HashPartitioner(2))).toEqualTypeOf<
  RDD<Pair<string, number>>
>();
expectTypeOf(counts.foldByKey(0, (a, b) => a + b, 2)).toEqualTypeOf<RDD<Pair<string, number>>>();
expectTypeOf(counts.mapValues((n) => n > 0)).toEqualTypeOf<RDD<Pair<string, boolean>>>();
expectTypeOf(towns.flatMapValues((t) => t.split(' '))).toEqualTypeOf<RDD<Pair<string, string>>>();
expectTypeOf(towns.keys()).toEqualTypeOf<RDD<string>>();
expectTypeOf(byId.values()).toEqualTypeOf<RDD<string>>();
expectTypeOf(towns.groupByKey()).toEqualTypeOf<RDD<Pair<string, string[]>>>();
expectTypeOf(towns.partitionBy(new HashPartitioner(4))).toEqualTypeOf<RDD<Pair<string, string>>>();
expectTypeOf(
  towns.combineByKey(
    (t) => new Set([t]),
    (set, t) => set.add(t),
    (a, b) => new Set([...a, ...b]),
  ),
).toEqualTypeOf<RDD<Pair<string, Set<string>>>>();
expectTypeOf(towns.sortByKey()).toEqualTypeOf<RDD<Pair<string, string>>>();
expectTypeOf(byId.sortByKey(false, 2, (a, b) => b - a)).toEqualTypeOf<RDD<Pair<number, string>>>();
expectTypeOf(counts.join(towns)).toEqualTypeOf<RDD<Pair<string, readonly [1, string]>>>();
expectTypeOf(counts.leftOuterJoin(towns)).toEqualTypeOf<
  RDD<Pair<string, readonly [1, string | undefined]>>
>();
expectTypeOf(counts.rightOuterJoin(towns)).toEqualTypeOf<
  RDD<Pair<string, readonly [1 | undefined, string]>>
>();
expectTypeOf(counts.fullOuterJoin(towns, 3)).toEqualTypeOf<
  RDD<Pair<string, readonly [1 | undefined, string | undefined]>>
>();
expectTypeOf(counts.cogroup(towns)).toEqualTypeOf<RDD<Pair<string, readonly [1[], string[]]>>>();
expectTypeOf(towns.countByKey()).toEqualTypeOf<Promise<Map<string, number>>>();
expectTypeOf(towns.collectAsMap()).toEqualTypeOf<Promise<Map<string, string>>>();
// @ts-expect-error -- reduceByKey needs an RDD of pairs
nums.reduceByKey((a: number, b: number) => a + b);
// @ts-expect-error -- join needs RDDs of pairs
nums.join(towns);
// @ts-expect-error -- the keys of both sides have one type
towns.join(byId);
// @ts-expect-error -- keys needs an RDD of pairs
words.keys();
// @ts-expect-error -- countByKey needs an RDD of pairs
void words.countByKey();
// @ts-expect-error -- foldByKey's zero has the value type
counts.foldByKey('', (a, b) => a + b);
