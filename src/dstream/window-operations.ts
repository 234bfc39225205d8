import type { Partitioning } from '../rdd/index.js';
import type { Duration } from '../util/duration.js';
import { attachOperations, type Implementation } from '../util/attach.js';
import type { Pair, Widen } from '../util/types.js';
import { reduceBatches } from './dstream-operations.js';
import { DStream } from './dstream.js';
import { MappedDStream } from './mapped.js';
import { streamPartitioner } from './pair-dstream-functions.js';
import type { WindowFunctions } from './reduced-window-rdd.js';
import { ReducedWindowedDStream } from './reduced-windowed.js';
import { widen, widenValues } from './widen.js';
import { WindowedDStream } from './windowed.js';

/**
 * Window operations (Spark's DStream and PairDStreamFunctions window methods). A window of
 * `windowDuration` every `slideDuration` covers the parent's batches in (t - window, t]; both must
 * be multiples of the parent's slide, and the first windows are partial. The forms with an inverse
 * function (and countByWindow, countByValueAndWindow) are incremental and stateful: they need
 * `ssc.checkpoint(dir)`, and a stream with `spark.streaming.kafka.scaleOut` refuses them at start
 * (their window would not move with the partitions, docs/scale-out.md).
 */
export interface WindowOperations<T> {
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
  /**
   * The incremental form: each window is the previous one `invF`-minus the batches that left, `f`-plus those that entered (needs `ssc.checkpoint(dir)`).
   */
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
    partitioning?: Partitioning,
  ): DStream<Pair<T, number>>;
  /**
   * The values of each key in the window, as an array (Spark's `groupByKeyAndWindow`). The last
   * argument is a partition count or a partitioner, as for `groupByKey`.
   */
  groupByKeyAndWindow<K, V>(
    this: DStream<Pair<K, V>>,
    windowDuration: Duration,
    slideDuration?: Duration,
    partitioning?: Partitioning,
  ): DStream<Pair<K, V[]>>;
  /**
   * The values of each key in the window merged with `f`, as Spark's `reduceByKeyAndWindow`.
   * Without `invF` every window reduces all its batches again. With `invF`
   * (`invF(f(x, y), x) === y`) each window is the previous one minus the batches that left plus
   * those that entered; it needs `ssc.checkpoint(dir)`; keys stay at their "zero" value unless
   * `filterF` drops them. `partitioning` is a partition count or a partitioner (Spark's
   * `numPartitions` and `partitioner` overloads). The arguments are positional: pass `undefined`
   * for `partitioning` to give `filterF`.
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
    partitioning?: Partitioning,
  ): DStream<Pair<K, Widen<V>>>;
  /**
   * The incremental form: each window is the previous one minus (`invF`) the batches that left plus (`f`) those that entered; needs `ssc.checkpoint(dir)`. `filterF` drops keys from the state (such as those whose count fell to 0); pass `undefined` for `numPartitions` to give it.
   */
  reduceByKeyAndWindow<K, V>(
    this: DStream<Pair<K, V>>,
    f: (a: Widen<V>, b: Widen<V>) => Widen<V>,
    invF: (a: Widen<V>, b: Widen<V>) => Widen<V>,
    windowDuration: Duration,
    slideDuration?: Duration,
    partitioning?: Partitioning,
    filterF?: (kv: Pair<K, Widen<V>>) => boolean,
  ): DStream<Pair<K, Widen<V>>>;
}

declare module './dstream.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- DStream gets WindowOperations' members
  interface DStream<T> extends WindowOperations<T> {}
}

type Reduce<V> = (a: V, b: V) => V;

/**
 * The incremental window reduction (`reduceByKeyAndWindow` with `invF`, and what `reduceByWindow`,
 * `countByWindow` and `countByValueAndWindow` are built on): each window is the previous one minus
 * the batches that left plus those that entered.
 */
function reduceIncrementally<K, V>(
  stream: DStream<Pair<K, V>>,
  fns: WindowFunctions<K, V>,
  windowDuration: Duration,
  slideDuration: Duration | undefined,
  partitioning: Partitioning | undefined,
): DStream<Pair<K, V>> {
  return new ReducedWindowedDStream(
    stream,
    fns,
    windowDuration,
    slideDuration ?? stream.slideDuration,
    streamPartitioner(stream, partitioning),
  );
}

/**
 * The window reduction without an inverse: reduce each batch by key, window the reductions, reduce
 * them again, the whole window every slide.
 */
function reduceWholeWindows<K, V>(
  stream: DStream<Pair<K, V>>,
  f: Reduce<V>,
  windowDuration: Duration,
  slideDuration: Duration | undefined,
  partitioning: Partitioning | undefined,
): DStream<Pair<K, V>> {
  const partitioner = streamPartitioner(stream, partitioning);
  const reduceByKey = (parent: DStream<Pair<K, V>>) =>
    new MappedDStream(parent, 'reduceByKey', (rdd) =>
      rdd.combineByKey((v: V) => v, f, f, partitioner),
    );
  return reduceByKey(
    reduceByKey(stream).window(windowDuration, slideDuration ?? stream.slideDuration),
  );
}

function windowOperations<T>(): Implementation<WindowOperations<T>, DStream<T>> {
  return {
    window(windowDuration, slideDuration) {
      return new WindowedDStream(this, windowDuration, slideDuration ?? this.slideDuration);
    },

    // The overloads: (f, window, slide) reduces every window again; (f, invF, window, slide) is
    // incremental.
    reduceByWindow(
      f: Reduce<Widen<T>>,
      second: Reduce<Widen<T>> | Duration,
      third: Duration,
      fourth?: Duration,
    ): DStream<Widen<T>> {
      const widened = widen(this);
      if (typeof second === 'function') {
        const keyed = widened.map((x): Pair<number, Widen<T>> => [1, x]);
        const fns = { reduce: f, invReduce: second, filter: undefined };
        return reduceIncrementally(keyed, fns, third, fourth, 1).map((kv) => kv[1]);
      }
      return reduceBatches(reduceBatches(widened, f).window(second, third), f);
    },

    countByWindow(windowDuration, slideDuration) {
      return this.map(() => 1).reduceByWindow(
        (a, b) => a + b,
        (a, b) => a - b,
        windowDuration,
        slideDuration,
      );
    },

    countByValueAndWindow(windowDuration, slideDuration, partitioning) {
      return this.map((x): Pair<T, number> => [x, 1]).reduceByKeyAndWindow(
        (a, b) => a + b,
        (a, b) => a - b,
        windowDuration,
        slideDuration,
        partitioning,
        (kv) => kv[1] !== 0,
      );
    },

    groupByKeyAndWindow<K, V>(
      this: DStream<Pair<K, V>>,
      windowDuration: Duration,
      slideDuration?: Duration,
      partitioning?: Partitioning,
    ) {
      // The per-batch groups live in the persisted parent, and merged buffers in kept shuffle
      // outputs: append only to a buffer this combiner created.
      const append = (buffer: V[], values: readonly V[]): V[] => {
        for (let i = 0; i < values.length; i++) buffer.push(values[i]!);
        return buffer;
      };
      const partitioner = streamPartitioner(this, partitioning);
      return this.groupByKey(partitioner)
        .window(windowDuration, slideDuration ?? this.slideDuration)
        .combineByKey(
          (values: V[]) => append([], values),
          append,
          (a, b) => a.concat(b),
          partitioner,
        );
    },

    // The overloads: (f, window, slide?, numPartitions?) reduces every window again;
    // (f, invF, window, slide?, numPartitions?, filterF?) is incremental.
    reduceByKeyAndWindow<K, V>(
      this: DStream<Pair<K, V>>,
      f: Reduce<Widen<V>>,
      second: Reduce<Widen<V>> | Duration,
      third?: Duration,
      fourth?: Duration | Partitioning,
      fifth?: Partitioning,
      filterF?: (kv: Pair<K, Widen<V>>) => boolean,
    ): DStream<Pair<K, Widen<V>>> {
      const widened = widenValues(this);
      if (typeof second === 'function') {
        const fns = { reduce: f, invReduce: second, filter: filterF };
        return reduceIncrementally(widened, fns, third!, fourth as Duration | undefined, fifth);
      }
      return reduceWholeWindows(widened, f, second, third, fourth as Partitioning | undefined);
    },
  };
}

attachOperations(DStream.prototype, windowOperations());
