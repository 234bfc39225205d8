import { attachOperations, type Implementation } from '../util/attach.js';
import { KeyMap } from '../util/keys.js';
import type { Pair, Widen } from '../util/types.js';
import { FlatMappedRDD, MappedRDD } from './narrow/element-wise-rdds.js';
import {
  cogroupWith,
  combineWith,
  groupingAggregator,
  joinWith,
  resolvePartitioner,
  widenValues,
  type Partitioning,
} from './pair-rdd-internals.js';
import type { Partitioner } from './partitioner.js';
import { RDD } from './rdd.js';
import { ShuffledRDD } from './shuffle/shuffled-rdd.js';
import { defaultCompare, SortedRDD } from './shuffle/sorted-rdd.js';

/**
 * Operations of RDDs of pairs (Spark's PairRDDFunctions). They exist on every RDD but type-check
 * only when the elements are `readonly [K, V]` pairs (a `this:` parameter). Keys are compared by
 * value. Without `partitioning`, keyed results use Spark's `defaultPartitioner`.
 */
export interface PairRDDFunctions {
  /**
   * Each value replaced by `f(value)`, keys and partitioning kept, like Spark's `mapValues`: a
   * later keyed operation with the same partitioner needs no shuffle.
   *
   * @example
   * ```ts
   * const lengths = sc.parallelize([['a', 'xyz']] as const).mapValues((s) => s.length);
   * await lengths.collect(); // [['a', 3]]
   * ```
   */
  mapValues<K, V, U>(this: RDD<Pair<K, V>>, f: (value: V) => U): RDD<Pair<K, U>>;
  /**
   * Each value replaced by the values `f` gives for it, each with the key, like Spark's
   * `flatMapValues`; partitioning kept.
   *
   * @example
   * ```ts
   * const words = sc.parallelize([['doc1', 'to be']] as const).flatMapValues((t) => t.split(' '));
   * await words.collect(); // [['doc1', 'to'], ['doc1', 'be']]
   * ```
   */
  flatMapValues<K, V, U>(this: RDD<Pair<K, V>>, f: (value: V) => Iterable<U>): RDD<Pair<K, U>>;
  /**
   * The key of each pair, duplicates kept, like Spark's `keys`.
   *
   * @example
   * ```ts
   * await sc.parallelize([['a', 1], ['b', 2], ['a', 3]] as const).keys().collect(); // ['a', 'b', 'a']
   * ```
   */
  keys<K, V>(this: RDD<Pair<K, V>>): RDD<K>;
  /**
   * The value of each pair, like Spark's `values`.
   *
   * @example
   * ```ts
   * await sc.parallelize([['a', 1], ['b', 2]] as const).values().collect(); // [1, 2]
   * ```
   */
  values<K, V>(this: RDD<Pair<K, V>>): RDD<V>;
  /**
   * Combines the values of each key, combining on the map side first unless `mapSideCombine` is
   * false (Spark's `combineByKey(createCombiner, mergeValue, mergeCombiners, partitioner,
   * mapSideCombine = true)`). `partitioning` is a partition count or a partitioner.
   */
  combineByKey<K, V, C>(
    this: RDD<Pair<K, V>>,
    createCombiner: (value: V) => C,
    mergeValue: (combiner: C, value: V) => C,
    mergeCombiners: (a: C, b: C) => C,
    partitioning?: Partitioning,
    mapSideCombine?: boolean,
  ): RDD<Pair<K, C>>;
  /** Merges the values of each key with an associative and commutative function. */
  reduceByKey<K, V>(
    this: RDD<Pair<K, V>>,
    f: (a: Widen<V>, b: Widen<V>) => Widen<V>,
    partitioning?: Partitioning,
  ): RDD<Pair<K, Widen<V>>>;
  /**
   * As `reduceByKey`, starting each key from `zeroValue`, like Spark's `foldByKey`: the zero is
   * folded in once per key and partition before the shuffle, so it must be neutral for `f` (0 for
   * a sum, an empty array for a concatenation).
   *
   * @example
   * ```ts
   * const sums = sc.parallelize([['a', 1], ['a', 2], ['b', 5]] as const).foldByKey(0, (a, b) => a + b);
   * await sums.collectAsMap(); // a => 3, b => 5
   * ```
   */
  foldByKey<K, V>(
    this: RDD<Pair<K, V>>,
    zeroValue: Widen<V>,
    f: (a: Widen<V>, b: Widen<V>) => Widen<V>,
    partitioning?: Partitioning,
  ): RDD<Pair<K, Widen<V>>>;
  /** The values of each key as an array. */
  groupByKey<K, V>(this: RDD<Pair<K, V>>, partitioning?: Partitioning): RDD<Pair<K, V[]>>;
  /**
   * The pairs placed by `partitioner` (a shuffle, unless they already are), like Spark's
   * `partitionBy`. Persist the result: keyed operations on it with the same partitioner, such as
   * joining it with each batch, then need no shuffle of it.
   *
   * @example
   * ```ts
   * const byKey = new HashPartitioner(4);
   * const placed = sc.parallelize([['a', 1], ['b', 2]] as const).partitionBy(byKey).persist();
   * placed.reduceByKey((a, b) => a + b, byKey); // combines in place, no shuffle
   * ```
   */
  partitionBy<K, V>(this: RDD<Pair<K, V>>, partitioner: Partitioner): RDD<Pair<K, V>>;
  /** For each key, the values of this RDD and of `other`. */
  cogroup<K, V, W>(
    this: RDD<Pair<K, V>>,
    other: RDD<Pair<K, W>>,
    partitioning?: Partitioning,
  ): RDD<Pair<K, readonly [V[], W[]]>>;
  /**
   * The inner join of two RDDs of pairs, like Spark's `join`: `[k, [v, w]]` for every pair of
   * values of a key present in both.
   *
   * @example
   * ```ts
   * const ages = sc.parallelize([['ann', 31], ['bob', 42]] as const);
   * const towns = sc.parallelize([['ann', 'Oslo'], ['cid', 'Rome']] as const);
   * await ages.join(towns).collect(); // [['ann', [31, 'Oslo']]]
   * ```
   */
  join<K, V, W>(
    this: RDD<Pair<K, V>>,
    other: RDD<Pair<K, W>>,
    partitioning?: Partitioning,
  ): RDD<Pair<K, readonly [V, W]>>;
  /**
   * As `join`, keeping the keys missing from `other` (their side is `undefined`), like Spark's
   * `leftOuterJoin`.
   *
   * @example
   * ```ts
   * const ages = sc.parallelize([['ann', 31], ['bob', 42]] as const);
   * const towns = sc.parallelize([['ann', 'Oslo'], ['cid', 'Rome']] as const);
   * await ages.leftOuterJoin(towns).collectAsMap(); // ann => [31, 'Oslo'], bob => [42, undefined]
   * ```
   */
  leftOuterJoin<K, V, W>(
    this: RDD<Pair<K, V>>,
    other: RDD<Pair<K, W>>,
    partitioning?: Partitioning,
  ): RDD<Pair<K, readonly [V, W | undefined]>>;
  /**
   * As `join`, keeping the keys missing from this RDD (their side is `undefined`), like Spark's
   * `rightOuterJoin`.
   *
   * @example
   * ```ts
   * const ages = sc.parallelize([['ann', 31], ['bob', 42]] as const);
   * const towns = sc.parallelize([['ann', 'Oslo'], ['cid', 'Rome']] as const);
   * await ages.rightOuterJoin(towns).collectAsMap(); // ann => [31, 'Oslo'], cid => [undefined, 'Rome']
   * ```
   */
  rightOuterJoin<K, V, W>(
    this: RDD<Pair<K, V>>,
    other: RDD<Pair<K, W>>,
    partitioning?: Partitioning,
  ): RDD<Pair<K, readonly [V | undefined, W]>>;
  /**
   * As `join`, keeping the keys missing from either side (that side is `undefined`), like Spark's
   * `fullOuterJoin`.
   *
   * @example
   * ```ts
   * const ages = sc.parallelize([['ann', 31], ['bob', 42]] as const);
   * const towns = sc.parallelize([['ann', 'Oslo'], ['cid', 'Rome']] as const);
   * await ages.fullOuterJoin(towns).collectAsMap();
   * // ann => [31, 'Oslo'], bob => [42, undefined], cid => [undefined, 'Rome']
   * ```
   */
  fullOuterJoin<K, V, W>(
    this: RDD<Pair<K, V>>,
    other: RDD<Pair<K, W>>,
    partitioning?: Partitioning,
  ): RDD<Pair<K, readonly [V | undefined, W | undefined]>>;
  /** Sorted by key; partition 0 holds the smallest keys when ascending. */
  sortByKey<K, V>(
    this: RDD<Pair<K, V>>,
    ascending?: boolean,
    numPartitions?: number,
    compare?: (a: K, b: K) => number,
  ): RDD<Pair<K, V>>;
  /** How many pairs each key has. */
  countByKey<K, V>(this: RDD<Pair<K, V>>): Promise<Map<K, number>>;
  /** The pairs as a Map (one value per key: the last one seen). */
  collectAsMap<K, V>(this: RDD<Pair<K, V>>): Promise<Map<K, V>>;
}

declare module './rdd.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars -- RDD gets PairRDDFunctions' members; T merges with the class's own
  interface RDD<T> extends PairRDDFunctions {}
}

const pairRDDFunctions: Implementation<PairRDDFunctions, RDD<unknown>> = {
  mapValues(f) {
    return new MappedRDD(this, (kv) => [kv[0], f(kv[1])] as const, true);
  },

  flatMapValues(f) {
    return new FlatMappedRDD(
      this,
      (kv) => {
        const out = [];
        for (const u of f(kv[1])) out.push([kv[0], u] as const);
        return out;
      },
      true,
    );
  },

  keys() {
    return new MappedRDD(this, (kv) => kv[0]);
  },

  values() {
    return new MappedRDD(this, (kv) => kv[1]);
  },

  combineByKey(createCombiner, mergeValue, mergeCombiners, partitioning, mapSideCombine = true) {
    const aggregator = { createCombiner, mergeValue, mergeCombiners };
    const partitioner = resolvePartitioner(partitioning, this);
    return combineWith(this, partitioner, aggregator, mapSideCombine);
  },

  reduceByKey(f, partitioning) {
    return widenValues(this).combineByKey((v) => v, f, f, partitioning);
  },

  foldByKey(zeroValue, f, partitioning) {
    return widenValues(this).combineByKey((v) => f(zeroValue, v), f, f, partitioning);
  },

  groupByKey(partitioning) {
    // As in Spark, no map-side combining: it would not shrink what moves.
    return combineWith(this, resolvePartitioner(partitioning, this), groupingAggregator(), false);
  },

  partitionBy(partitioner) {
    if (partitioner.equals(this.partitioner)) return this;
    return new ShuffledRDD(this, partitioner);
  },

  cogroup(other, partitioning) {
    return cogroupWith(this, other, resolvePartitioner(partitioning, this, other));
  },

  join(other, partitioning) {
    return joinWith(this, other, partitioning, (vs, ws, out) => {
      for (const v of vs) for (const w of ws) out.push([v, w] as const);
    });
  },

  leftOuterJoin(other, partitioning) {
    return joinWith(this, other, partitioning, (vs, ws, out) => {
      for (const v of vs) {
        if (ws.length === 0) out.push([v, undefined] as const);
        else for (const w of ws) out.push([v, w] as const);
      }
    });
  },

  rightOuterJoin(other, partitioning) {
    return joinWith(this, other, partitioning, (vs, ws, out) => {
      for (const w of ws) {
        if (vs.length === 0) out.push([undefined, w] as const);
        else for (const v of vs) out.push([v, w] as const);
      }
    });
  },

  fullOuterJoin(other, partitioning) {
    return joinWith(this, other, partitioning, (vs, ws, out) => {
      if (vs.length === 0) for (const w of ws) out.push([undefined, w] as const);
      else if (ws.length === 0) for (const v of vs) out.push([v, undefined] as const);
      else for (const v of vs) for (const w of ws) out.push([v, w] as const);
    });
  },

  sortByKey(ascending = true, numPartitions, compare = defaultCompare) {
    return new SortedRDD(
      this,
      compare,
      ascending,
      numPartitions ?? Math.max(1, this.numPartitions),
    );
  },

  async countByKey<K, V>(this: RDD<Pair<K, V>>) {
    const partials = await this.context.runJob(this, (items) => {
      const m = new KeyMap<K, number>();
      for (const kv of items) m.set(kv[0], (m.get(kv[0]) ?? 0) + 1);
      return m;
    });
    const total = new KeyMap<K, number>();
    for (const m of partials) m.forEach((c, k) => total.set(k, (total.get(k) ?? 0) + c));
    return new Map(total.entries());
  },

  async collectAsMap<K, V>(this: RDD<Pair<K, V>>) {
    const m = new KeyMap<K, V>();
    for (const kv of await this.collect()) m.set(kv[0], kv[1]);
    return new Map(m.entries());
  },
};

attachOperations(RDD.prototype, pairRDDFunctions);
