import { HashPartitioner, type Partitioner, type RDD } from '../rdd/index.js';
import type { Pair, Widen } from '../util/types.js';
import { DStream } from './dstream.js';
import { MappedDStream } from './mapped.js';
import { TransformedDStream } from './transformed.js';

// Per-batch operations of streams of pairs (Spark's PairDStreamFunctions). They exist on every
// DStream but type-check only on `DStream<readonly [K, V]>`. Without `numPartitions`, keyed
// results have `spark.default.parallelism` partitions (the master's cores by default).
declare module './dstream.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- merges with the class's own T
  interface DStream<T> {
    mapValues<K, V, U>(this: DStream<Pair<K, V>>, f: (value: V) => U): DStream<Pair<K, U>>;
    flatMapValues<K, V, U>(
      this: DStream<Pair<K, V>>,
      f: (value: V) => Iterable<U>,
    ): DStream<Pair<K, U>>;
    /** The values of each key in each batch, as an array. */
    groupByKey<K, V>(this: DStream<Pair<K, V>>, numPartitions?: number): DStream<Pair<K, V[]>>;
    /** The values of each key in each batch, merged with an associative, commutative function. */
    reduceByKey<K, V>(
      this: DStream<Pair<K, V>>,
      f: (a: Widen<V>, b: Widen<V>) => Widen<V>,
      numPartitions?: number,
    ): DStream<Pair<K, Widen<V>>>;
    combineByKey<K, V, C>(
      this: DStream<Pair<K, V>>,
      createCombiner: (value: V) => C,
      mergeValue: (combiner: C, value: V) => C,
      mergeCombiners: (a: C, b: C) => C,
      numPartitions?: number,
    ): DStream<Pair<K, C>>;
    /** For each key of a batch, the values of both streams. */
    cogroup<K, V, W>(
      this: DStream<Pair<K, V>>,
      other: DStream<Pair<K, W>>,
      numPartitions?: number,
    ): DStream<Pair<K, readonly [V[], W[]]>>;
    join<K, V, W>(
      this: DStream<Pair<K, V>>,
      other: DStream<Pair<K, W>>,
      numPartitions?: number,
    ): DStream<Pair<K, readonly [V, W]>>;
    leftOuterJoin<K, V, W>(
      this: DStream<Pair<K, V>>,
      other: DStream<Pair<K, W>>,
      numPartitions?: number,
    ): DStream<Pair<K, readonly [V, W | undefined]>>;
    rightOuterJoin<K, V, W>(
      this: DStream<Pair<K, V>>,
      other: DStream<Pair<K, W>>,
      numPartitions?: number,
    ): DStream<Pair<K, readonly [V | undefined, W]>>;
    fullOuterJoin<K, V, W>(
      this: DStream<Pair<K, V>>,
      other: DStream<Pair<K, W>>,
      numPartitions?: number,
    ): DStream<Pair<K, readonly [V | undefined, W | undefined]>>;
  }
}

/** `HashPartitioner(numPartitions)`, or of `spark.default.parallelism` partitions. */
export function streamPartitioner(stream: DStream<unknown>, numPartitions?: number): Partitioner {
  return new HashPartitioner(numPartitions ?? stream.ssc.sparkContext.defaultParallelism);
}

DStream.prototype.mapValues = function <K, V, U>(this: DStream<Pair<K, V>>, f: (value: V) => U) {
  return new MappedDStream(this, 'mapValues', (rdd) => rdd.mapValues(f));
};

DStream.prototype.flatMapValues = function <K, V, U>(
  this: DStream<Pair<K, V>>,
  f: (value: V) => Iterable<U>,
) {
  return new MappedDStream(this, 'flatMapValues', (rdd) => rdd.flatMapValues(f));
};

DStream.prototype.groupByKey = function <K, V>(this: DStream<Pair<K, V>>, numPartitions?: number) {
  const p = streamPartitioner(this, numPartitions);
  return new MappedDStream(this, 'groupByKey', (rdd) => rdd.groupByKey(p));
};

DStream.prototype.reduceByKey = function <K, V>(
  this: DStream<Pair<K, V>>,
  f: (a: V, b: V) => V,
  numPartitions?: number,
) {
  const p = streamPartitioner(this, numPartitions);
  return new MappedDStream(this, 'reduceByKey', (rdd) => rdd.combineByKey((v) => v, f, f, p));
} as DStream<unknown>['reduceByKey'];

DStream.prototype.combineByKey = function <K, V, C>(
  this: DStream<Pair<K, V>>,
  createCombiner: (value: V) => C,
  mergeValue: (combiner: C, value: V) => C,
  mergeCombiners: (a: C, b: C) => C,
  numPartitions?: number,
) {
  const p = streamPartitioner(this, numPartitions);
  return new MappedDStream(this, 'combineByKey', (rdd) =>
    rdd.combineByKey(createCombiner, mergeValue, mergeCombiners, p),
  );
};

function joined<K, V, W, R>(
  left: DStream<Pair<K, V>>,
  right: DStream<Pair<K, W>>,
  numPartitions: number | undefined,
  f: (a: RDD<Pair<K, V>>, b: RDD<Pair<K, W>>, p: Partitioner) => RDD<R>,
): DStream<R> {
  const p = streamPartitioner(left, numPartitions);
  return new TransformedDStream<R>([left, right], (rdds) =>
    f(rdds[0] as RDD<Pair<K, V>>, rdds[1] as RDD<Pair<K, W>>, p),
  );
}

DStream.prototype.cogroup = function <K, V, W>(
  this: DStream<Pair<K, V>>,
  other: DStream<Pair<K, W>>,
  numPartitions?: number,
) {
  return joined(this, other, numPartitions, (a, b, p) => a.cogroup(b, p));
};

DStream.prototype.join = function <K, V, W>(
  this: DStream<Pair<K, V>>,
  other: DStream<Pair<K, W>>,
  numPartitions?: number,
) {
  return joined(this, other, numPartitions, (a, b, p) => a.join(b, p));
};

DStream.prototype.leftOuterJoin = function <K, V, W>(
  this: DStream<Pair<K, V>>,
  other: DStream<Pair<K, W>>,
  numPartitions?: number,
) {
  return joined(this, other, numPartitions, (a, b, p) => a.leftOuterJoin(b, p));
};

DStream.prototype.rightOuterJoin = function <K, V, W>(
  this: DStream<Pair<K, V>>,
  other: DStream<Pair<K, W>>,
  numPartitions?: number,
) {
  return joined(this, other, numPartitions, (a, b, p) => a.rightOuterJoin(b, p));
};

DStream.prototype.fullOuterJoin = function <K, V, W>(
  this: DStream<Pair<K, V>>,
  other: DStream<Pair<K, W>>,
  numPartitions?: number,
) {
  return joined(this, other, numPartitions, (a, b, p) => a.fullOuterJoin(b, p));
};
