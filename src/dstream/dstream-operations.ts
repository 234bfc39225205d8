import { checkPartitionCount } from '../rdd/partitioner.js';
import type { RDD } from '../rdd/index.js';
import type { Time } from '../util/time.js';
import type { Widen } from '../util/types.js';
import { DStream } from './dstream.js';
import { MappedDStream } from './mapped.js';
import { TransformedDStream } from './transformed.js';
import { UnionDStream } from './union.js';

// The stateless transformations of every DStream. Each applies the RDD operation of the same
// name to every batch. They are attached here, apart from the class, because each constructs a
// DStream subclass.
declare module './dstream.js' {
  interface DStream<T> {
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
}

DStream.prototype.map = function <T, U>(this: DStream<T>, f: (item: T) => U) {
  return new MappedDStream(this, 'map', (rdd) => rdd.map(f));
};

DStream.prototype.flatMap = function <T, U>(this: DStream<T>, f: (item: T) => Iterable<U>) {
  return new MappedDStream(this, 'flatMap', (rdd) => rdd.flatMap(f));
};

DStream.prototype.filter = function <T>(this: DStream<T>, p: (item: T) => boolean) {
  return new MappedDStream(this, 'filter', (rdd) => rdd.filter(p));
};

DStream.prototype.glom = function <T>(this: DStream<T>) {
  return new MappedDStream(this, 'glom', (rdd) => rdd.glom());
};

DStream.prototype.mapPartitions = function <T, U>(
  this: DStream<T>,
  f: (items: T[]) => Iterable<U>,
  preservePartitioning = false,
) {
  return new MappedDStream(this, 'mapPartitions', (rdd) =>
    rdd.mapPartitions(f, preservePartitioning),
  );
};

DStream.prototype.repartition = function <T>(this: DStream<T>, numPartitions: number) {
  checkPartitionCount(numPartitions);
  return new MappedDStream(this, 'repartition', (rdd) => rdd.repartition(numPartitions));
};

DStream.prototype.union = function <T>(this: DStream<T>, other: DStream<T>) {
  return new UnionDStream([this, other]);
};

/** The pair every record of `count()` becomes: one shared value, nothing allocated per record. */
const ONE: readonly [null, number] = Object.freeze([null, 1] as const);
const ZERO: readonly [null, number] = Object.freeze([null, 0] as const);

// As Spark: a pair per record, a zero so that an empty batch counts 0, and a shuffle combining on
// the map side, so that with local[N] each task thread counts its own partitions.
DStream.prototype.count = function <T>(this: DStream<T>) {
  const n = this.ssc.sparkContext.defaultParallelism;
  return new MappedDStream(this, 'count', (rdd) =>
    rdd
      .map((): readonly [null, number] => ONE)
      .union(rdd.context.parallelize([ZERO], 1))
      .reduceByKey((a, b) => a + b, n)
      .map((kv) => kv[1]),
  );
};

DStream.prototype.countByValue = function <T>(this: DStream<T>, numPartitions?: number) {
  const n = numPartitions ?? this.ssc.sparkContext.defaultParallelism;
  return new MappedDStream(this, 'countByValue', (rdd) =>
    rdd.map((x): readonly [T, number] => [x, 1]).reduceByKey((a, b) => a + b, n),
  );
};

DStream.prototype.reduce = function <T>(this: DStream<T>, f: (a: T, b: T) => T) {
  return new MappedDStream(this, 'reduce', (rdd) =>
    rdd
      .map((x): readonly [null, T] => [null, x])
      .combineByKey((v: T) => v, f, f, 1)
      .map((kv) => kv[1]),
  );
} as DStream<unknown>['reduce'];

DStream.prototype.transform = function <T, U>(
  this: DStream<T>,
  f: (rdd: RDD<T>, time: Time) => RDD<U>,
) {
  return new TransformedDStream<U>([this], (rdds, time) => f(rdds[0] as RDD<T>, time));
};

DStream.prototype.transformWith = function <T, U, V>(
  this: DStream<T>,
  other: DStream<U>,
  f: (rdd: RDD<T>, otherRdd: RDD<U>, time: Time) => RDD<V>,
) {
  return new TransformedDStream<V>([this, other], (rdds, time) =>
    f(rdds[0] as RDD<T>, rdds[1] as RDD<U>, time),
  );
};
