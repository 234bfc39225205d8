import { DStreamError } from '../errors.js';
import type { StorageLevel, RDD } from '../rdd/index.js';
import type { Duration } from '../util/duration.js';
import type { Time } from '../util/time.js';
import { DStream } from './dstream.js';

/**
 * Throws unless `d` is a positive `Duration`. Spark accepts a zero window (and then fails at the
 * first batch on a zero slide); dstream refuses both where they are declared.
 */
export function checkWindowDuration(what: string, d: Duration, parent: DStream<unknown>): void {
  if (typeof (d as Partial<Duration> | undefined)?.milliseconds !== 'number') {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_DURATION',
      `The ${what} must be a Duration, got ${String(d)}: use Seconds(n), Milliseconds(n) or Minutes(n)`,
    );
  }
  if (d.milliseconds <= 0) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_DURATION',
      `The ${what} (${d}) must be positive: use a multiple of the slide duration of the parent DStream (${parent.slideDuration})`,
    );
  }
}

/**
 * The union of the parent's RDDs in the window `(t - windowDuration, t]`, every `slideDuration`
 * (Spark's `WindowedDStream`, behind `window`, `groupByKeyAndWindow`, `reduceByWindow` and the
 * non-incremental `reduceByKeyAndWindow`). The first windows are partial: batches at or before
 * the start are not there. The parent is persisted, since each of its RDDs is read by several
 * windows; the windows themselves never are (they would copy the same data many times).
 */
export class WindowedDStream<T> extends DStream<T> {
  constructor(
    private readonly parent: DStream<T>,
    readonly windowDuration: Duration,
    private readonly slide: Duration,
  ) {
    super(parent.ssc);
    checkWindowDuration('window duration of windowed DStream', windowDuration, parent);
    checkWindowDuration('slide duration of windowed DStream', slide, parent);
    const p = parent.slideDuration;
    if (!windowDuration.isMultipleOf(p)) {
      throw new DStreamError(
        'DSTREAM_ERR_WINDOW_NOT_MULTIPLE',
        `The window duration of windowed DStream (${windowDuration}) must be a multiple of the slide duration of parent DStream (${p})`,
      );
    }
    if (!slide.isMultipleOf(p)) {
      throw new DStreamError(
        'DSTREAM_ERR_SLIDE_NOT_MULTIPLE',
        `The slide duration of windowed DStream (${slide}) must be a multiple of the slide duration of parent DStream (${p})`,
      );
    }
    // A level the user chose for the parent stays (Spark would reset it to its own default).
    if (!parent.isPersisted) parent.persist();
  }

  get slideDuration(): Duration {
    return this.slide;
  }

  get dependencies(): readonly DStream<unknown>[] {
    return [this.parent];
  }

  /** The parent keeps its RDDs for a whole window longer than this stream keeps its own. */
  protected override parentRememberDuration(): Duration | undefined {
    return this.rememberDuration?.plus(this.windowDuration);
  }

  /** Persists the parent instead, as Spark does: windows share the parent's RDDs. */
  override persist(level?: StorageLevel): this {
    this.parent.persist(level);
    return this;
  }

  compute(time: Time): RDD<T> | undefined {
    const from = time.minus(this.windowDuration).plus(this.parent.slideDuration);
    return this.ssc.sparkContext.union(this.parent.slice(from, time));
  }
}
