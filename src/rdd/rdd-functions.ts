import { attachOperations, type Implementation } from '../util/attach.js';
import { checkPartitionCount, HashPartitioner } from './partitioner.js';
import { CoalescedRDD } from './narrow/coalesced-rdd.js';
import { FilteredRDD, FlatMappedRDD, MappedRDD } from './narrow/element-wise-rdds.js';
import { MapPartitionsRDD } from './narrow/map-partitions-rdd.js';
import { unionOf } from './narrow/union-rdd.js';
import { ZippedWithIndexRDD } from './narrow/zipped-with-index-rdd.js';
import { RDD } from './rdd.js';
import { ShuffledRDD } from './shuffle/shuffled-rdd.js';
import { defaultCompare, SortedRDD } from './shuffle/sorted-rdd.js';

/**
 * The element-wise and whole-RDD transformations of every RDD. They are attached to the RDD class
 * here, apart from its definition, because each one constructs a subclass of RDD.
 */
export interface RDDFunctions<T> {
  /** One output per element. */
  map<U>(f: (item: T) => U): RDD<U>;
  /** Zero or more outputs per element. */
  flatMap<U>(f: (item: T) => Iterable<U>): RDD<U>;
  /** The elements for which `p` holds. */
  filter(p: (item: T) => boolean): RDD<T>;
  /** One array per partition. */
  glom(): RDD<T[]>;
  /** A function of a whole partition (given as an array) to what replaces it. */
  mapPartitions<U>(f: (items: T[]) => Iterable<U>, preservesPartitioning?: boolean): RDD<U>;
  /**
   * As `mapPartitions`, with the index of the partition as well, like Spark's
   * `mapPartitionsWithIndex`: to tag or number records by where they are.
   *
   * @example
   * ```ts
   * const tagged = sc.parallelize(['a', 'b', 'c'], 2)
   *   .mapPartitionsWithIndex((i, items) => items.map((x) => `${i}:${x}`));
   * await tagged.collect(); // ['0:a', '1:b', '1:c']
   * ```
   */
  mapPartitionsWithIndex<U>(
    f: (partition: number, items: T[]) => Iterable<U>,
    preservesPartitioning?: boolean,
  ): RDD<U>;
  /**
   * The elements of both RDDs (duplicates kept). As in Spark, RDDs placed by the same partitioner
   * give an RDD with that partitioner and its partition count.
   */
  union(other: RDD<T>): RDD<T>;
  /** Exactly `numPartitions` partitions, through a shuffle that spreads elements evenly. */
  repartition(numPartitions: number): RDD<T>;
  /** Fewer partitions; without `shuffle`, by merging neighbouring partitions. */
  coalesce(numPartitions: number, shuffle?: boolean): RDD<T>;
  /** The distinct elements (compared by value). */
  distinct(numPartitions?: number): RDD<T>;
  /** Pairs `[f(x), x]`. */
  keyBy<K>(f: (item: T) => K): RDD<readonly [K, T]>;
  /** The elements sorted by `f(x)`. */
  sortBy<K>(f: (item: T) => K, ascending?: boolean, numPartitions?: number): RDD<T>;
  /**
   * Pairs `[x, index]`, indices counted by partition, then position in it (Spark's
   * `zipWithIndex`).
   */
  zipWithIndex(): RDD<readonly [T, number]>;
  /**
   * The `num` largest elements, largest first, as Spark's `top`: by `compare` when given, else by
   * Spark's natural ordering (numbers by value, strings by UTF-16 code units as Java compares
   * them, arrays element by element). Each partition keeps its own `num` largest; the driver
   * merges them.
   *
   * @example
   * ```ts
   * await sc.parallelize([10, 4, 2, 12, 3], 2).top(2); // [12, 10]
   * await sc.parallelize(['b', 'a', 'c']).top(2); // ['c', 'b']
   * const counts = sc.parallelize([['x', 3], ['y', 9]] as const);
   * await counts.top(1, (a, b) => a[1] - b[1]); // [['y', 9]]
   * ```
   */
  top(num: number, compare?: (a: T, b: T) => number): Promise<T[]>;
  /**
   * The `num` smallest elements, smallest first, as Spark's `takeOrdered` (the ordering of
   * `top`, reversed).
   *
   * @example
   * ```ts
   * await sc.parallelize([10, 4, 2, 12, 3], 2).takeOrdered(2); // [2, 3]
   * ```
   */
  takeOrdered(num: number, compare?: (a: T, b: T) => number): Promise<T[]>;
}

declare module './rdd.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- RDD gets RDDFunctions' members
  interface RDD<T> extends RDDFunctions<T> {}
}

function rddFunctions<T>(): Implementation<RDDFunctions<T>, RDD<T>> {
  return {
    map(f) {
      return new MappedRDD(this, f);
    },

    flatMap(f) {
      return new FlatMappedRDD(this, f);
    },

    filter(p) {
      return new FilteredRDD(this, p);
    },

    glom() {
      return new MapPartitionsRDD(this, (items) => [items], false, 'glom');
    },

    mapPartitions(f, preservesPartitioning = false) {
      return new MapPartitionsRDD(this, (items) => f(items), preservesPartitioning);
    },

    mapPartitionsWithIndex(f, preservesPartitioning = false) {
      return new MapPartitionsRDD(this, (items, p) => f(p, items), preservesPartitioning);
    },

    union(other) {
      return unionOf(this.context, [this, other]);
    },

    repartition(numPartitions) {
      return this.coalesce(numPartitions, true);
    },

    coalesce(numPartitions, shuffle = false) {
      checkPartitionCount(numPartitions);
      if (!shuffle) return new CoalescedRDD(this, numPartitions);
      // Number each element from a start that depends on its partition, so that consecutive
      // elements go to consecutive output partitions (integers hash to themselves).
      const positioned = new MapPartitionsRDD(this, (items, split) => {
        const out: (readonly [number, T])[] = new Array<readonly [number, T]>(items.length);
        let position = split % numPartitions;
        for (let i = 0; i < items.length; i++) out[i] = [position++, items[i]!];
        return out;
      });
      const shuffled = new ShuffledRDD<number, T, T>(
        positioned,
        new HashPartitioner(numPartitions),
      );
      return new MappedRDD(shuffled, (kv) => kv[1]);
    },

    distinct(numPartitions) {
      const n = numPartitions ?? this.numPartitions;
      const keyed = new MappedRDD(this, (x): readonly [T, null] => [x, null]);
      const reduced = new ShuffledRDD<T, null, null>(
        keyed,
        new HashPartitioner(Math.max(1, n)),
        {
          createCombiner: () => null,
          mergeValue: () => null,
          mergeCombiners: () => null,
        },
        true,
      );
      return new MappedRDD(reduced, (kv) => kv[0]);
    },

    keyBy(f) {
      return new MappedRDD(this, (x) => [f(x), x] as const);
    },

    sortBy(f, ascending = true, numPartitions) {
      const keyed = new MappedRDD(this, (x) => [f(x), x] as const);
      const sorted = new SortedRDD(
        keyed,
        defaultCompare,
        ascending,
        numPartitions ?? Math.max(1, this.numPartitions),
      );
      return new MappedRDD(sorted, (kv) => kv[1]);
    },

    zipWithIndex() {
      return new ZippedWithIndexRDD(this);
    },

    top(num, compare = defaultCompare) {
      return this.takeOrdered(num, (a, b) => compare(b, a));
    },

    async takeOrdered(num, compare = defaultCompare) {
      if (num <= 0) return [];
      const partials = await this.context.runJob(this, (items) => smallest(items, num, compare));
      return smallest(partials.flat(), num, compare);
    },
  };
}

/**
 * The `num` smallest of `items` by `compare`, in order: a sorted array of at most `num` that an
 * element enters only if it is smaller than its last (n log num comparisons, no copy of `items`).
 */
function smallest<T>(items: readonly T[], num: number, compare: (a: T, b: T) => number): T[] {
  const best: T[] = [];
  for (let i = 0; i < items.length; i++) {
    const x = items[i]!;
    if (best.length >= num && compare(x, best[best.length - 1]!) >= 0) continue;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(best[mid]!, x) <= 0) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, x);
    if (best.length > num) best.pop();
  }
  return best;
}

attachOperations(RDD.prototype, rddFunctions());
