import type { Duration } from '../util/duration.js';
import type { Pair, Widen } from '../util/types.js';
import './dstream-operations.js';
import { DStream } from './dstream.js';
import { MappedDStream } from './mapped.js';
import { streamPartitioner } from './pair-dstream-functions.js';
import { ReducedWindowedDStream } from './reduced-windowed.js';
import { WindowedDStream } from './windowed.js';

// Window operations (Spark's DStream and PairDStreamFunctions window methods). A window of
// `windowDuration` every `slideDuration` covers the parent's batches in (t - window, t]; both must
// be multiples of the parent's slide, and the first windows are partial. The forms with an inverse
// function (and countByWindow, countByValueAndWindow) are incremental and stateful: they need
// `ssc.checkpoint(dir)`.
declare module './dstream.js' {
  interface DStream<T> {
    /**
     * The elements of the batches in the last `windowDuration`, every `slideDuration` (default:
     * this stream's slide). Like Spark's `window`.
     *
     * @example
     * ```ts
     * lines.window(Seconds(30), Seconds(10)).count().print();
     * ```
     */
    window(windowDuration: Duration, slideDuration?: Duration): DStream<T>;
    /**
     * How many elements the window holds, as Spark's `countByWindow`: incremental, so it needs
     * `ssc.checkpoint(dir)`. Nothing until the first element arrives, then one count per window
     * (0 for an empty window).
     */
    countByWindow(windowDuration: Duration, slideDuration: Duration): DStream<number>;
    /**
     * The window's elements reduced to one (none for an empty window), as Spark's
     * `reduceByWindow`. With `invF` (`invF(f(x, y), x) === y`), each window is computed from the
     * previous one: it then needs `ssc.checkpoint(dir)`.
     *
     * @example
     * ```ts
     * nums.reduceByWindow((a, b) => a + b, Seconds(30), Seconds(10));
     * nums.reduceByWindow((a, b) => a + b, (a, b) => a - b, Seconds(30), Seconds(10));
     * ```
     */
    reduceByWindow(
      f: (a: Widen<T>, b: Widen<T>) => Widen<T>,
      windowDuration: Duration,
      slideDuration: Duration,
    ): DStream<Widen<T>>;
    reduceByWindow(
      f: (a: Widen<T>, b: Widen<T>) => Widen<T>,
      invF: (a: Widen<T>, b: Widen<T>) => Widen<T>,
      windowDuration: Duration,
      slideDuration: Duration,
    ): DStream<Widen<T>>;
    /**
     * `[element, occurrences in the window]`, as Spark's `countByValueAndWindow`: incremental (it
     * needs `ssc.checkpoint(dir)`); elements whose count falls to 0 are dropped.
     */
    countByValueAndWindow(
      windowDuration: Duration,
      slideDuration: Duration,
      numPartitions?: number,
    ): DStream<Pair<T, number>>;
    /** The values of each key in the window, as an array (Spark's `groupByKeyAndWindow`). */
    groupByKeyAndWindow<K, V>(
      this: DStream<Pair<K, V>>,
      windowDuration: Duration,
      slideDuration?: Duration,
      numPartitions?: number,
    ): DStream<Pair<K, V[]>>;
    /**
     * The values of each key in the window merged with `f`, as Spark's `reduceByKeyAndWindow`.
     * Without `invF` every window reduces all its batches again. With `invF`
     * (`invF(f(x, y), x) === y`) each window is the previous one minus the batches that left plus
     * those that entered; it needs `ssc.checkpoint(dir)`; keys stay at their "zero" value unless
     * `filterF` drops them. The arguments are positional: pass `undefined` for `numPartitions` to
     * give `filterF`.
     *
     * @example
     * ```ts
     * pairs.reduceByKeyAndWindow((a, b) => a + b, Seconds(30), Seconds(10));
     * pairs.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, Seconds(30), Seconds(10),
     *   undefined, ([, count]) => count > 0);
     * ```
     */
    reduceByKeyAndWindow<K, V>(
      this: DStream<Pair<K, V>>,
      f: (a: Widen<V>, b: Widen<V>) => Widen<V>,
      windowDuration: Duration,
      slideDuration?: Duration,
      numPartitions?: number,
    ): DStream<Pair<K, Widen<V>>>;
    reduceByKeyAndWindow<K, V>(
      this: DStream<Pair<K, V>>,
      f: (a: Widen<V>, b: Widen<V>) => Widen<V>,
      invF: (a: Widen<V>, b: Widen<V>) => Widen<V>,
      windowDuration: Duration,
      slideDuration?: Duration,
      numPartitions?: number,
      filterF?: (kv: Pair<K, Widen<V>>) => boolean,
    ): DStream<Pair<K, Widen<V>>>;
  }
}

type Reduce<V> = (a: V, b: V) => V;

DStream.prototype.window = function <T>(
  this: DStream<T>,
  windowDuration: Duration,
  slideDuration: Duration = this.slideDuration,
) {
  return new WindowedDStream(this, windowDuration, slideDuration);
};

DStream.prototype.reduceByWindow = function <T>(
  this: DStream<T>,
  f: Reduce<T>,
  second: Reduce<T> | Duration,
  third: Duration,
  fourth?: Duration,
): DStream<T> {
  if (typeof second === 'function') {
    return this.map((x): Pair<number, T> => [1, x])
      .reduceByKeyAndWindow(f as Reduce<Widen<T>>, second as Reduce<Widen<T>>, third, fourth, 1)
      .map((kv) => kv[1] as T);
  }
  return this.reduce(f as Reduce<Widen<T>>)
    .window(second, third)
    .reduce(f as Reduce<Widen<Widen<T>>>) as DStream<T>;
} as DStream<unknown>['reduceByWindow'];

DStream.prototype.countByWindow = function <T>(
  this: DStream<T>,
  windowDuration: Duration,
  slideDuration: Duration,
) {
  return this.map(() => 1).reduceByWindow(
    (a, b) => a + b,
    (a, b) => a - b,
    windowDuration,
    slideDuration,
  );
};

DStream.prototype.countByValueAndWindow = function <T>(
  this: DStream<T>,
  windowDuration: Duration,
  slideDuration: Duration,
  numPartitions?: number,
) {
  return this.map((x): Pair<T, number> => [x, 1]).reduceByKeyAndWindow(
    (a, b) => a + b,
    (a, b) => a - b,
    windowDuration,
    slideDuration,
    numPartitions,
    (kv) => kv[1] !== 0,
  );
};

DStream.prototype.groupByKeyAndWindow = function <K, V>(
  this: DStream<Pair<K, V>>,
  windowDuration: Duration,
  slideDuration: Duration = this.slideDuration,
  numPartitions?: number,
) {
  // The per-batch groups live in the persisted parent, and merged buffers in kept shuffle outputs:
  // append only to a buffer this combiner created.
  const append = (buffer: V[], values: readonly V[]): V[] => {
    for (let i = 0; i < values.length; i++) buffer.push(values[i]!);
    return buffer;
  };
  return this.groupByKey(numPartitions)
    .window(windowDuration, slideDuration)
    .combineByKey(
      (values: V[]) => append([], values),
      append,
      (a, b) => a.concat(b),
      numPartitions,
    );
};

DStream.prototype.reduceByKeyAndWindow = function <K, V>(
  this: DStream<Pair<K, V>>,
  f: Reduce<V>,
  second: Reduce<V> | Duration,
  third?: Duration,
  fourth?: Duration | number,
  fifth?: number,
  filterF?: (kv: Pair<K, V>) => boolean,
): DStream<Pair<K, V>> {
  if (typeof second === 'function') {
    const partitioner = streamPartitioner(this, fifth);
    return new ReducedWindowedDStream<K, V>(
      this,
      { reduce: f, invReduce: second, filter: filterF },
      third!,
      (fourth as Duration | undefined) ?? this.slideDuration,
      partitioner,
    );
  }
  // Reduce each batch, window the reductions, reduce them again: the whole window every slide.
  const partitioner = streamPartitioner(this, fourth as number | undefined);
  const reduceByKey = (stream: DStream<Pair<K, V>>) =>
    new MappedDStream(stream, 'reduceByKey', (rdd) =>
      rdd.combineByKey((v: V) => v, f, f, partitioner),
    );
  return reduceByKey(reduceByKey(this).window(second, third ?? this.slideDuration));
};
