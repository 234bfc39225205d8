import { checkPartitionCount } from '../rdd/partitioner.js';
import type { RDD } from '../rdd/index.js';
import { attachOperations, type Implementation } from '../util/attach.js';
import type { Time } from '../util/time.js';
import type { Widen } from '../util/types.js';
import { DStream } from './dstream.js';
import { MappedDStream } from './mapped.js';
import { TransformedDStream } from './transformed.js';
import { UnionDStream } from './union.js';
import { widen } from './widen.js';

/**
 * The stateless transformations of every DStream. Each applies the RDD operation of the same name
 * to every batch. They are attached to the class here, apart from it, because each constructs a
 * DStream subclass.
 */
export interface DStreamOperations<T> {
  /** One output per element. */
  map<U>(f: (item: T) => U): DStream<U>;
  /** Zero or more outputs per element (`f` returns any iterable). */
  flatMap<U>(f: (item: T) => Iterable<U>): DStream<U>;
  /** The elements for which `p` holds. */
  filter(p: (item: T) => boolean): DStream<T>;
  /** One array per partition of each batch. */
  glom(): DStream<T[]>;
  /** A function of a whole partition to what replaces it. */
  mapPartitions<U>(f: (items: T[]) => Iterable<U>, preservePartitioning?: boolean): DStream<U>;
  /** Each batch with exactly `numPartitions` partitions (a shuffle). */
  repartition(numPartitions: number): DStream<T>;
  /** The elements of both streams, batch by batch. The slides must be equal. */
  union(other: DStream<T>): DStream<T>;
  /** One element per batch: how many elements it has (0 for an empty batch). */
  count(): DStream<number>;
  /** `[element, occurrences]` per distinct element of each batch. */
  countByValue(numPartitions?: number): DStream<readonly [T, number]>;
  /** One element per batch, the reduction of its elements; nothing for an empty batch. */
  reduce(f: (a: Widen<T>, b: Widen<T>) => Widen<T>): DStream<Widen<T>>;
  /**
   * Any RDD-to-RDD function, called on the driver each batch with the batch's RDD and time (it
   * may use other RDDs, such as a blacklist).
   */
  transform<U>(f: (rdd: RDD<T>, time: Time) => RDD<U>): DStream<U>;
  /** As `transform`, with the RDD of `other` for the same batch. */
  transformWith<U, V>(
    other: DStream<U>,
    f: (rdd: RDD<T>, otherRdd: RDD<U>, time: Time) => RDD<V>,
  ): DStream<V>;
}

declare module './dstream.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- DStream gets DStreamOperations' members
  interface DStream<T> extends DStreamOperations<T> {}
}

/** The pair every record of `count()` becomes: one shared value, nothing allocated per record. */
const ONE: readonly [null, number] = Object.freeze([null, 1] as const);
const ZERO: readonly [null, number] = Object.freeze([null, 0] as const);

/** Each batch of `stream` reduced to one element with `f` (none for an empty batch). */
export function reduceBatches<T>(stream: DStream<T>, f: (a: T, b: T) => T): DStream<T> {
  return new MappedDStream(stream, 'reduce', (rdd) =>
    rdd
      .map((x): readonly [null, T] => [null, x])
      .combineByKey((v: T) => v, f, f, 1)
      .map((kv) => kv[1]),
  );
}

function streamOperations<T>(): Implementation<DStreamOperations<T>, DStream<T>> {
  return {
    map(f) {
      return new MappedDStream(this, 'map', (rdd) => rdd.map(f));
    },

    flatMap(f) {
      return new MappedDStream(this, 'flatMap', (rdd) => rdd.flatMap(f));
    },

    filter(p) {
      return new MappedDStream(this, 'filter', (rdd) => rdd.filter(p));
    },

    glom() {
      return new MappedDStream(this, 'glom', (rdd) => rdd.glom());
    },

    mapPartitions(f, preservePartitioning = false) {
      return new MappedDStream(this, 'mapPartitions', (rdd) =>
        rdd.mapPartitions(f, preservePartitioning),
      );
    },

    repartition(numPartitions) {
      checkPartitionCount(numPartitions);
      return new MappedDStream(this, 'repartition', (rdd) => rdd.repartition(numPartitions));
    },

    union(other) {
      return new UnionDStream([this, other]);
    },

    // As Spark: a pair per record, a zero so that an empty batch counts 0, and a shuffle combining
    // on the map side, so that with local[N] each task thread counts its own partitions.
    count() {
      const n = this.ssc.sparkContext.defaultParallelism;
      return new MappedDStream(this, 'count', (rdd) =>
        rdd
          .map((): readonly [null, number] => ONE)
          .union(rdd.context.parallelize([ZERO], 1))
          .reduceByKey((a, b) => a + b, n)
          .map((kv) => kv[1]),
      );
    },

    countByValue(numPartitions) {
      const n = numPartitions ?? this.ssc.sparkContext.defaultParallelism;
      return new MappedDStream(this, 'countByValue', (rdd) =>
        rdd.map((x): readonly [T, number] => [x, 1]).reduceByKey((a, b) => a + b, n),
      );
    },

    reduce(f) {
      return reduceBatches(widen(this), f);
    },

    transform(f) {
      return new TransformedDStream([this], (rdds, time) => f(rdds[0] as RDD<T>, time));
    },

    // TransformedDStream holds its parents' RDDs as RDD<unknown>: they get their types back here.
    transformWith<U, V>(
      other: DStream<U>,
      f: (rdd: RDD<T>, otherRdd: RDD<U>, time: Time) => RDD<V>,
    ) {
      return new TransformedDStream([this, other], (rdds, time) =>
        f(rdds[0] as RDD<T>, rdds[1] as RDD<U>, time),
      );
    },
  };
}

attachOperations(DStream.prototype, streamOperations());
