import { HashPartitioner, type Partitioner, type Partitioning, type RDD } from '../rdd/index.js';
import { attachOperations, type Implementation } from '../util/attach.js';
import type { Pair, Widen } from '../util/types.js';
import { DStream } from './dstream.js';
import { MappedDStream } from './mapped.js';
import { TransformedDStream } from './transformed.js';
import { widenValues } from './widen.js';

/**
 * Per-batch operations of streams of pairs (Spark's PairDStreamFunctions). They exist on every
 * DStream but type-check only on `DStream<readonly [K, V]>` (a `this:` parameter). The last
 * argument of the keyed operations is Spark's `numPartitions` or `partitioner` overload in one: a
 * partition count (a `HashPartitioner` of that many partitions) or a {@link Partitioner} that
 * places each key. Without it, keyed results have `spark.default.parallelism` partitions (the
 * master's cores by default). Keys are compared by value.
 */
export interface PairDStreamFunctions {
  /**
   * Each value replaced by `f(value)`, keys kept, like Spark's `mapValues`.
   *
   * @example
   * ```ts
   * pairs.mapValues((n) => n * 2).print(); // (spark,2) for ('spark',1)
   * ```
   */
  mapValues<K, V, U>(this: DStream<Pair<K, V>>, f: (value: V) => U): DStream<Pair<K, U>>;
  /**
   * Each value replaced by the values `f` gives for it, each with the key, like Spark's
   * `flatMapValues`.
   *
   * @example
   * ```ts
   * const letters = words.map((w) => [w, w] as const).flatMapValues((w) => w.split(''));
   * letters.print(); // (to,t) (to,o) for the word 'to'
   * ```
   */
  flatMapValues<K, V, U>(
    this: DStream<Pair<K, V>>,
    f: (value: V) => Iterable<U>,
  ): DStream<Pair<K, U>>;
  /** The values of each key in each batch, as an array. */
  groupByKey<K, V>(this: DStream<Pair<K, V>>, partitioning?: Partitioning): DStream<Pair<K, V[]>>;
  /** The values of each key in each batch, merged with an associative, commutative function. */
  reduceByKey<K, V>(
    this: DStream<Pair<K, V>>,
    f: (a: Widen<V>, b: Widen<V>) => Widen<V>,
    partitioning?: Partitioning,
  ): DStream<Pair<K, Widen<V>>>;
  /**
   * The values of each key in each batch combined into one value of another type, like Spark's
   * `combineByKey`: `createCombiner` makes a key's first value a combiner, `mergeValue` adds a
   * value to one, and `mergeCombiners` merges two (each partition combines its own values before
   * the shuffle).
   *
   * @example
   * ```ts
   * const sumsAndCounts = pairs.combineByKey(
   *   (v): [number, number] => [v, 1],
   *   ([sum, n], v): [number, number] => [sum + v, n + 1],
   *   ([s1, n1], [s2, n2]): [number, number] => [s1 + s2, n1 + n2],
   * );
   * sumsAndCounts.mapValues(([sum, n]) => sum / n).print(); // the mean of each key per batch
   * ```
   *
   * `mapSideCombine` (default true) is Spark's last argument: false skips combining before the
   * shuffle, for combiners that do not shrink what moves.
   */
  combineByKey<K, V, C>(
    this: DStream<Pair<K, V>>,
    createCombiner: (value: V) => C,
    mergeValue: (combiner: C, value: V) => C,
    mergeCombiners: (a: C, b: C) => C,
    partitioning?: Partitioning,
    mapSideCombine?: boolean,
  ): DStream<Pair<K, C>>;
  /** For each key of a batch, the values of both streams. */
  cogroup<K, V, W>(
    this: DStream<Pair<K, V>>,
    other: DStream<Pair<K, W>>,
    partitioning?: Partitioning,
  ): DStream<Pair<K, readonly [V[], W[]]>>;
  /**
   * The inner join of the two streams, batch by batch, like Spark's `join`: `[k, [v, w]]` for
   * every pair of values of a key present in both batches. Both streams must have the same slide;
   * join windows to match records that arrive in different batches.
   *
   * @example
   * ```ts
   * // clicks: [adId, user] pairs; impressions: [adId, page] pairs
   * clicks.join(impressions.window(Minutes(1))).print(); // (ad7,(ann,/home))
   * ```
   */
  join<K, V, W>(
    this: DStream<Pair<K, V>>,
    other: DStream<Pair<K, W>>,
    partitioning?: Partitioning,
  ): DStream<Pair<K, readonly [V, W]>>;
  /**
   * As `join`, keeping the keys of this stream missing from `other`'s batch (their side is
   * `undefined`), like Spark's `leftOuterJoin`.
   *
   * @example
   * ```ts
   * // clicks: [adId, user] pairs; impressions: [adId, page] pairs
   * const unmatched = clicks.leftOuterJoin(impressions).filter(([, [, page]]) => page === undefined);
   * unmatched.print(); // clicks on ads not shown in the same batch: (ad9,(bob,undefined))
   * ```
   */
  leftOuterJoin<K, V, W>(
    this: DStream<Pair<K, V>>,
    other: DStream<Pair<K, W>>,
    partitioning?: Partitioning,
  ): DStream<Pair<K, readonly [V, W | undefined]>>;
  /**
   * As `join`, keeping the keys of `other` missing from this stream's batch (this side is
   * `undefined`), like Spark's `rightOuterJoin`.
   *
   * @example
   * ```ts
   * // clicks: [adId, user] pairs; impressions: [adId, page] pairs
   * clicks.rightOuterJoin(impressions).print(); // (ad3,(undefined,/news)) for an ad nobody clicked
   * ```
   */
  rightOuterJoin<K, V, W>(
    this: DStream<Pair<K, V>>,
    other: DStream<Pair<K, W>>,
    partitioning?: Partitioning,
  ): DStream<Pair<K, readonly [V | undefined, W]>>;
  /**
   * As `join`, keeping the keys missing from either batch (that side is `undefined`), like Spark's
   * `fullOuterJoin`.
   *
   * @example
   * ```ts
   * // clicks: [adId, user] pairs; impressions: [adId, page] pairs
   * clicks.fullOuterJoin(impressions).print(); // (ad7,(ann,/home)) (ad9,(bob,undefined)) ...
   * ```
   */
  fullOuterJoin<K, V, W>(
    this: DStream<Pair<K, V>>,
    other: DStream<Pair<K, W>>,
    partitioning?: Partitioning,
  ): DStream<Pair<K, readonly [V | undefined, W | undefined]>>;
}

declare module './dstream.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars -- DStream gets PairDStreamFunctions' members; T merges with the class's own
  interface DStream<T> extends PairDStreamFunctions {}
}

/**
 * The partitioner `partitioning` asks for: itself, `HashPartitioner(n)` for a count, or a
 * `HashPartitioner` of `spark.default.parallelism` partitions (Spark's default for streams).
 */
export function streamPartitioner(
  stream: DStream<unknown>,
  partitioning?: Partitioning,
): Partitioner {
  if (partitioning !== undefined && typeof partitioning !== 'number') return partitioning;
  return new HashPartitioner(partitioning ?? stream.ssc.sparkContext.defaultParallelism);
}

/**
 * The batches of two streams of pairs, joined each batch by `f`. TransformedDStream holds its
 * parents' RDDs as `RDD<unknown>`: they get their types back here.
 */
function joined<K, V, W, R>(
  left: DStream<Pair<K, V>>,
  right: DStream<Pair<K, W>>,
  partitioning: Partitioning | undefined,
  f: (a: RDD<Pair<K, V>>, b: RDD<Pair<K, W>>, p: Partitioner) => RDD<R>,
): DStream<R> {
  const p = streamPartitioner(left, partitioning);
  return new TransformedDStream<R>([left, right], (rdds) =>
    f(rdds[0] as RDD<Pair<K, V>>, rdds[1] as RDD<Pair<K, W>>, p),
  );
}

const pairStreamFunctions: Implementation<PairDStreamFunctions, DStream<unknown>> = {
  mapValues(f) {
    return new MappedDStream(this, 'mapValues', (rdd) => rdd.mapValues(f));
  },

  flatMapValues(f) {
    return new MappedDStream(this, 'flatMapValues', (rdd) => rdd.flatMapValues(f));
  },

  groupByKey(partitioning) {
    const p = streamPartitioner(this, partitioning);
    return new MappedDStream(this, 'groupByKey', (rdd) => rdd.groupByKey(p));
  },

  reduceByKey(f, partitioning) {
    const p = streamPartitioner(this, partitioning);
    return new MappedDStream(widenValues(this), 'reduceByKey', (rdd) =>
      rdd.combineByKey((v) => v, f, f, p),
    );
  },

  combineByKey(createCombiner, mergeValue, mergeCombiners, partitioning, mapSideCombine = true) {
    const p = streamPartitioner(this, partitioning);
    return new MappedDStream(this, 'combineByKey', (rdd) =>
      rdd.combineByKey(createCombiner, mergeValue, mergeCombiners, p, mapSideCombine),
    );
  },

  cogroup(other, partitioning) {
    return joined(this, other, partitioning, (a, b, p) => a.cogroup(b, p));
  },

  join(other, partitioning) {
    return joined(this, other, partitioning, (a, b, p) => a.join(b, p));
  },

  leftOuterJoin(other, partitioning) {
    return joined(this, other, partitioning, (a, b, p) => a.leftOuterJoin(b, p));
  },

  rightOuterJoin(other, partitioning) {
    return joined(this, other, partitioning, (a, b, p) => a.rightOuterJoin(b, p));
  },

  fullOuterJoin(other, partitioning) {
    return joined(this, other, partitioning, (a, b, p) => a.fullOuterJoin(b, p));
  },
};

attachOperations(DStream.prototype, pairStreamFunctions);
