import { KeyMap } from '../util/keys.js';
import type { Pair, Widen } from '../util/types.js';
import { FlatMappedRDD, MappedRDD } from './narrow/element-wise-rdds.js';
import { MapPartitionsRDD } from './narrow/map-partitions-rdd.js';
import { HashPartitioner, type Partitioner } from './partitioner.js';
import { RDD } from './rdd.js';
import type { Aggregator } from './shuffle/aggregator.js';
import { CoGroupedRDD } from './shuffle/cogrouped-rdd.js';
import { ShuffledRDD } from './shuffle/shuffled-rdd.js';
import { defaultCompare, SortedRDD } from './shuffle/sorted-rdd.js';

/** A partition count, or a partitioner to place keys with. */
export type Partitioning = number | Partitioner;

// Operations of RDDs of pairs (Spark's PairRDDFunctions). They exist on every RDD but type-check
// only when the elements are `readonly [K, V]` pairs. Keys are compared by value.
declare module './rdd.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- merges with the class's own T
  interface RDD<T> {
    mapValues<K, V, U>(this: RDD<Pair<K, V>>, f: (value: V) => U): RDD<Pair<K, U>>;
    flatMapValues<K, V, U>(this: RDD<Pair<K, V>>, f: (value: V) => Iterable<U>): RDD<Pair<K, U>>;
    keys<K, V>(this: RDD<Pair<K, V>>): RDD<K>;
    values<K, V>(this: RDD<Pair<K, V>>): RDD<V>;
    /** Combines the values of each key, combining on the map side first. */
    combineByKey<K, V, C>(
      this: RDD<Pair<K, V>>,
      createCombiner: (value: V) => C,
      mergeValue: (combiner: C, value: V) => C,
      mergeCombiners: (a: C, b: C) => C,
      partitioning?: Partitioning,
    ): RDD<Pair<K, C>>;
    /** Merges the values of each key with an associative and commutative function. */
    reduceByKey<K, V>(
      this: RDD<Pair<K, V>>,
      f: (a: Widen<V>, b: Widen<V>) => Widen<V>,
      partitioning?: Partitioning,
    ): RDD<Pair<K, Widen<V>>>;
    foldByKey<K, V>(
      this: RDD<Pair<K, V>>,
      zeroValue: Widen<V>,
      f: (a: Widen<V>, b: Widen<V>) => Widen<V>,
      partitioning?: Partitioning,
    ): RDD<Pair<K, Widen<V>>>;
    /** The values of each key as an array. */
    groupByKey<K, V>(this: RDD<Pair<K, V>>, partitioning?: Partitioning): RDD<Pair<K, V[]>>;
    partitionBy<K, V>(this: RDD<Pair<K, V>>, partitioner: Partitioner): RDD<Pair<K, V>>;
    /** For each key, the values of this RDD and of `other`. */
    cogroup<K, V, W>(
      this: RDD<Pair<K, V>>,
      other: RDD<Pair<K, W>>,
      partitioning?: Partitioning,
    ): RDD<Pair<K, readonly [V[], W[]]>>;
    /** Every pair of values of a key present in both. */
    join<K, V, W>(
      this: RDD<Pair<K, V>>,
      other: RDD<Pair<K, W>>,
      partitioning?: Partitioning,
    ): RDD<Pair<K, readonly [V, W]>>;
    /** As `join`, keeping keys missing from `other` (their side is `undefined`). */
    leftOuterJoin<K, V, W>(
      this: RDD<Pair<K, V>>,
      other: RDD<Pair<K, W>>,
      partitioning?: Partitioning,
    ): RDD<Pair<K, readonly [V, W | undefined]>>;
    rightOuterJoin<K, V, W>(
      this: RDD<Pair<K, V>>,
      other: RDD<Pair<K, W>>,
      partitioning?: Partitioning,
    ): RDD<Pair<K, readonly [V | undefined, W]>>;
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
}

/**
 * The partitioner for a keyed operation without one, as Spark's `defaultPartitioner`: the
 * partitioner of the input with the most partitions among those that have one, if it has at least
 * as many partitions as the default count or is within a factor of 10 of the largest input; else a
 * `HashPartitioner` of the default count: `spark.default.parallelism` if set, else as many
 * partitions as the largest input.
 */
export function defaultPartitioner(...rdds: RDD<unknown>[]): Partitioner {
  let withPartitioner: RDD<unknown> | undefined;
  for (const r of rdds) {
    if (r.partitioner && (!withPartitioner || r.numPartitions > withPartitioner.numPartitions)) {
      withPartitioner = r;
    }
  }
  const sc = rdds[0]!.context;
  const largest = Math.max(1, ...rdds.map((r) => r.numPartitions));
  const defaultCount = sc.conf.has('spark.default.parallelism') ? sc.defaultParallelism : largest;
  if (withPartitioner) {
    const own = withPartitioner.numPartitions;
    const eligible = Math.log10(largest) - Math.log10(own) < 1;
    if (eligible || defaultCount <= own) return withPartitioner.partitioner!;
  }
  return new HashPartitioner(defaultCount);
}

function resolve(partitioning: Partitioning | undefined, ...rdds: RDD<unknown>[]): Partitioner {
  if (partitioning === undefined) return defaultPartitioner(...rdds);
  return typeof partitioning === 'number' ? new HashPartitioner(partitioning) : partitioning;
}

RDD.prototype.mapValues = function <K, V, U>(this: RDD<Pair<K, V>>, f: (value: V) => U) {
  return new MappedRDD(this, (kv): Pair<K, U> => [kv[0], f(kv[1])], true);
};

RDD.prototype.flatMapValues = function <K, V, U>(
  this: RDD<Pair<K, V>>,
  f: (value: V) => Iterable<U>,
) {
  return new FlatMappedRDD(
    this,
    (kv) => {
      const out: Pair<K, U>[] = [];
      for (const u of f(kv[1])) out.push([kv[0], u]);
      return out;
    },
    true,
  );
};

RDD.prototype.keys = function <K, V>(this: RDD<Pair<K, V>>) {
  return new MappedRDD(this, (kv) => kv[0]);
};

RDD.prototype.values = function <K, V>(this: RDD<Pair<K, V>>) {
  return new MappedRDD(this, (kv) => kv[1]);
};

RDD.prototype.combineByKey = function <K, V, C>(
  this: RDD<Pair<K, V>>,
  createCombiner: (value: V) => C,
  mergeValue: (combiner: C, value: V) => C,
  mergeCombiners: (a: C, b: C) => C,
  partitioning?: Partitioning,
): RDD<Pair<K, C>> {
  const aggregator: Aggregator<V, C> = { createCombiner, mergeValue, mergeCombiners };
  return combineWith(this, resolve(partitioning, this), aggregator, true);
};

/**
 * Combines by key through a shuffle, or, as Spark does, in place when the RDD is already placed by
 * that partitioner (each key is then in one partition only).
 */
function combineWith<K, V, C>(
  rdd: RDD<Pair<K, V>>,
  partitioner: Partitioner,
  aggregator: Aggregator<V, C>,
  mapSideCombine: boolean,
): RDD<Pair<K, C>> {
  if (!partitioner.equals(rdd.partitioner)) {
    return new ShuffledRDD(rdd, partitioner, aggregator, mapSideCombine);
  }
  return new MapPartitionsRDD(
    rdd,
    (items) => {
      const combined = new KeyMap<K, C>();
      for (const kv of items) {
        const c = combined.get(kv[0]);
        combined.set(
          kv[0],
          c !== undefined || combined.has(kv[0])
            ? aggregator.mergeValue(c as C, kv[1])
            : aggregator.createCombiner(kv[1]),
        );
      }
      return combined.entries();
    },
    true,
  );
}

RDD.prototype.reduceByKey = function <K, V>(
  this: RDD<Pair<K, V>>,
  f: (a: V, b: V) => V,
  partitioning?: Partitioning,
): RDD<Pair<K, V>> {
  return this.combineByKey((v) => v, f, f, partitioning);
} as RDD<unknown>['reduceByKey'];

RDD.prototype.foldByKey = function <K, V>(
  this: RDD<Pair<K, V>>,
  zeroValue: V,
  f: (a: V, b: V) => V,
  partitioning?: Partitioning,
): RDD<Pair<K, V>> {
  return this.combineByKey((v) => f(zeroValue, v), f, f, partitioning);
} as RDD<unknown>['foldByKey'];

RDD.prototype.groupByKey = function <K, V>(this: RDD<Pair<K, V>>, partitioning?: Partitioning) {
  const aggregator: Aggregator<V, V[]> = {
    createCombiner: (v) => [v],
    mergeValue: (c, v) => {
      c.push(v);
      return c;
    },
    mergeCombiners: (a, b) => a.concat(b),
  };
  // As in Spark, no map-side combining: it would not shrink what moves.
  return combineWith(this, resolve(partitioning, this), aggregator, false);
};

RDD.prototype.partitionBy = function <K, V>(this: RDD<Pair<K, V>>, partitioner: Partitioner) {
  if (partitioner.equals(this.partitioner)) return this;
  return new ShuffledRDD<K, V, V>(this, partitioner);
};

RDD.prototype.cogroup = function <K, V, W>(
  this: RDD<Pair<K, V>>,
  other: RDD<Pair<K, W>>,
  partitioning?: Partitioning,
) {
  const grouped = new CoGroupedRDD<K>([this, other], resolve(partitioning, this, other));
  return new MappedRDD(
    grouped,
    (kv): Pair<K, readonly [V[], W[]]> => [kv[0], [kv[1][0] as V[], kv[1][1] as W[]]],
    true,
  );
};

/** Joins through `cogroup`, emitting per key the pairs `emitPairs` makes of the two sides. */
function joinWith<K, V, W, R>(
  left: RDD<Pair<K, V>>,
  right: RDD<Pair<K, W>>,
  partitioning: Partitioning | undefined,
  emitPairs: (vs: V[], ws: W[], out: R[]) => void,
): RDD<Pair<K, R>> {
  const grouped = left.cogroup(right, partitioning);
  return new FlatMappedRDD(
    grouped,
    (kv) => {
      const rs: R[] = [];
      emitPairs(kv[1][0], kv[1][1], rs);
      const out = new Array<Pair<K, R>>(rs.length);
      for (let i = 0; i < rs.length; i++) out[i] = [kv[0], rs[i]!];
      return out;
    },
    true,
  );
}

RDD.prototype.join = function <K, V, W>(
  this: RDD<Pair<K, V>>,
  other: RDD<Pair<K, W>>,
  partitioning?: Partitioning,
) {
  return joinWith<K, V, W, readonly [V, W]>(this, other, partitioning, (vs, ws, out) => {
    for (const v of vs) for (const w of ws) out.push([v, w]);
  });
};

RDD.prototype.leftOuterJoin = function <K, V, W>(
  this: RDD<Pair<K, V>>,
  other: RDD<Pair<K, W>>,
  partitioning?: Partitioning,
) {
  return joinWith<K, V, W, readonly [V, W | undefined]>(
    this,
    other,
    partitioning,
    (vs, ws, out) => {
      for (const v of vs) {
        if (ws.length === 0) out.push([v, undefined]);
        else for (const w of ws) out.push([v, w]);
      }
    },
  );
};

RDD.prototype.rightOuterJoin = function <K, V, W>(
  this: RDD<Pair<K, V>>,
  other: RDD<Pair<K, W>>,
  partitioning?: Partitioning,
) {
  return joinWith<K, V, W, readonly [V | undefined, W]>(
    this,
    other,
    partitioning,
    (vs, ws, out) => {
      for (const w of ws) {
        if (vs.length === 0) out.push([undefined, w]);
        else for (const v of vs) out.push([v, w]);
      }
    },
  );
};

RDD.prototype.fullOuterJoin = function <K, V, W>(
  this: RDD<Pair<K, V>>,
  other: RDD<Pair<K, W>>,
  partitioning?: Partitioning,
) {
  return joinWith<K, V, W, readonly [V | undefined, W | undefined]>(
    this,
    other,
    partitioning,
    (vs, ws, out) => {
      if (vs.length === 0) for (const w of ws) out.push([undefined, w]);
      else if (ws.length === 0) for (const v of vs) out.push([v, undefined]);
      else for (const v of vs) for (const w of ws) out.push([v, w]);
    },
  );
};

RDD.prototype.sortByKey = function <K, V>(
  this: RDD<Pair<K, V>>,
  ascending = true,
  numPartitions?: number,
  compare: (a: K, b: K) => number = defaultCompare,
) {
  return new SortedRDD(this, compare, ascending, numPartitions ?? Math.max(1, this.numPartitions));
};

RDD.prototype.countByKey = async function <K, V>(this: RDD<Pair<K, V>>) {
  const partials = await this.context.runJob(this, (items) => {
    const m = new KeyMap<K, number>();
    for (const kv of items) m.set(kv[0], (m.get(kv[0]) ?? 0) + 1);
    return m;
  });
  const total = new KeyMap<K, number>();
  for (const m of partials) m.forEach((c, k) => total.set(k, (total.get(k) ?? 0) + c));
  return new Map(total.entries());
};

RDD.prototype.collectAsMap = async function <K, V>(this: RDD<Pair<K, V>>) {
  const m = new KeyMap<K, V>();
  for (const kv of await this.collect()) m.set(kv[0], kv[1]);
  return new Map(m.entries());
};
