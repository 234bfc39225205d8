import { KeyMap } from '../util/keys.js';
import type { Pair, Widen } from '../util/types.js';
import { FlatMappedRDD, MappedRDD } from './narrow/element-wise-rdds.js';
import { MapPartitionsRDD } from './narrow/map-partitions-rdd.js';
import { HashPartitioner, type Partitioner } from './partitioner.js';
import type { RDD } from './rdd.js';
import type { Aggregator } from './shuffle/aggregator.js';
import { CoGroupedRDD } from './shuffle/cogrouped-rdd.js';
import { ShuffledRDD } from './shuffle/shuffled-rdd.js';

// What several pair operations of RDDs share: choosing the partitioner, combining by key, joining.

/** A partition count, or a partitioner to place keys with. */
export type Partitioning = number | Partitioner;

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

/** The partitioner `partitioning` asks for, or the default one for `rdds`. */
export function resolvePartitioner(
  partitioning: Partitioning | undefined,
  ...rdds: RDD<unknown>[]
): Partitioner {
  if (partitioning === undefined) return defaultPartitioner(...rdds);
  return typeof partitioning === 'number' ? new HashPartitioner(partitioning) : partitioning;
}

/**
 * The same RDD, typed with widened values (`Widen`), as `reduceByKey` declares them. Every `V` is
 * a `Widen<V>`, but TypeScript cannot prove it of a type parameter: this says it once.
 */
export function widenValues<K, V>(rdd: RDD<Pair<K, V>>): RDD<Pair<K, Widen<V>>> {
  return rdd as RDD<Pair<K, Widen<V>>>;
}

/**
 * Combines by key through a shuffle, or, as Spark does, in place when the RDD is already placed by
 * that partitioner (each key is then in one partition only).
 */
export function combineWith<K, V, C>(
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

/** Gathers the values of each key into an array (`groupByKey`'s aggregator). */
export function groupingAggregator<V>(): Aggregator<V, V[]> {
  return {
    createCombiner: (v) => [v],
    mergeValue: (c, v) => {
      c.push(v);
      return c;
    },
    mergeCombiners: (a, b) => a.concat(b),
  };
}

/**
 * For each key, the values of `left` and of `right`. `CoGroupedRDD` takes any number of parents
 * and holds their values as `unknown[]`: here they get back the types of their two parents.
 */
export function cogroupWith<K, V, W>(
  left: RDD<Pair<K, V>>,
  right: RDD<Pair<K, W>>,
  partitioner: Partitioner,
): RDD<Pair<K, readonly [V[], W[]]>> {
  const grouped = new CoGroupedRDD<K>([left, right], partitioner);
  return new MappedRDD(
    grouped,
    (kv): Pair<K, readonly [V[], W[]]> => [kv[0], [kv[1][0] as V[], kv[1][1] as W[]]],
    true,
  );
}

/** Joins through `cogroup`, emitting per key the pairs `emitPairs` makes of the two sides. */
export function joinWith<K, V, W, R>(
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
