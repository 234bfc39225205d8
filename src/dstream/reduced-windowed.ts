import { DStreamError, requirement } from '../errors.js';
import type { StorageLevel, Partitioner, RDD } from '../rdd/index.js';
import { stateKeyOf } from '../streaming/checkpoint/state-keys.js';
import type {
  RestoreOptions,
  StateSnapshot,
  StatefulStream,
} from '../streaming/checkpoint/stateful-stream.js';
import { scaleOutInputsOf } from '../streaming/scale-out-input.js';
import type { Duration } from '../util/duration.js';
import { Time } from '../util/time.js';
import { conformsTo, type Pair } from '../util/types.js';
import { DStream } from './dstream.js';
import { MappedDStream } from './mapped.js';
import { ReducedWindowRDD, type WindowFunctions } from './reduced-window-rdd.js';
import { migrateState } from './restored-state.js';
import { checkWindowDuration } from './windowed.js';

/**
 * The incremental `reduceByKeyAndWindow(f, invF, ...)`, as Spark's ReducedWindowedDStream: each
 * window is the previous window's value per key, minus what left, plus what entered, instead of a
 * reduction of every batch in the window. Without a filter, keys never leave (their value becomes
 * the "zero" of `invF`, such as a count of 0).
 *
 * It is stateful: it needs `ssc.checkpoint(dir)` (Spark's message at start otherwise), and
 * checkpoints snapshot its latest window ({@link latestWindow}, {@link restoreWindow}).
 */
export class ReducedWindowedDStream<K, V> extends DStream<Pair<K, V>> {
  /** One reduced value per key per batch, placed by the window's partitioner. */
  private readonly reducedStream: DStream<Pair<K, V>>;

  constructor(
    private readonly parent: DStream<Pair<K, V>>,
    private readonly fns: WindowFunctions<K, V>,
    readonly windowDuration: Duration,
    private readonly slide: Duration,
    readonly partitioner: Partitioner,
  ) {
    super(parent.ssc);
    checkWindowDuration('window duration of ReducedWindowedDStream', windowDuration, parent);
    checkWindowDuration('slide duration of ReducedWindowedDStream', slide, parent);
    const p = parent.slideDuration;
    requirement(
      windowDuration.isMultipleOf(p),
      'DSTREAM_ERR_WINDOW_NOT_MULTIPLE',
      `The window duration of ReducedWindowedDStream (${windowDuration}) must be multiple of the slide duration of parent DStream (${p})`,
    );
    requirement(
      slide.isMultipleOf(p),
      'DSTREAM_ERR_SLIDE_NOT_MULTIPLE',
      `The slide duration of ReducedWindowedDStream (${slide}) must be multiple of the slide duration of parent DStream (${p})`,
    );
    const reduce = fns.reduce;
    this.reducedStream = new MappedDStream(parent, 'reduceByKey', (rdd) =>
      rdd.combineByKey((v: V) => v, reduce, reduce, partitioner),
    );
    this.mustCheckpoint = true;
    super.persist();
    this.reducedStream.persist();
  }

  get slideDuration(): Duration {
    return this.slide;
  }

  get dependencies(): readonly DStream<unknown>[] {
    return [this.reducedStream];
  }

  /** The batches that leave the window must still be there when they leave. */
  protected override parentRememberDuration(): Duration | undefined {
    return this.rememberDuration?.plus(this.windowDuration);
  }

  /**
   * Refuses a Kafka stream whose partitions move between processes (docs/scale-out.md): this
   * window is kept per process, and a process recovered from its checkpoint restores a window
   * whose batches it no longer reads (they read nothing then), so their values would never leave
   * it. Refused at start, before anything is read or committed.
   * @internal
   */
  override validateAtStart(): void {
    super.validateAtStart();
    if (!scaleOutInputsOf(this).some((input) => input.scaleOutInput)) return;
    throw new DStreamError(
      'DSTREAM_ERR_WINDOW_STATE_NOT_MOVABLE',
      `${this.toString()} is an incremental window (reduceByKeyAndWindow with an inverse function, reduceByWindow with one, countByWindow or countByValueAndWindow) over a Kafka stream whose partitions move between processes (spark.streaming.kafka.scaleOut): its window is kept per process and does not move with the Kafka partitions, and a process recovered from its checkpoint would restore a window whose batches read nothing after the recovery, so their values would never leave it. Use the form without an inverse function (reduceByKeyAndWindow(f, window, slide), reduceByWindow(f, window, slide), window(window, slide).count() or .countByValue()), which recomputes each window from the batches this process read, or keep what the window needs in updateStateByKey or mapWithState with a KafkaPartitioner, whose state moves with the partitions (docs/scale-out.md)`,
    );
  }

  override persist(level?: StorageLevel): this {
    super.persist(level);
    this.reducedStream.persist(level);
    return this;
  }

  compute(time: Time): RDD<Pair<K, V>> | undefined {
    const p = this.parent.slideDuration;
    const currentBegin = time.minus(this.windowDuration).plus(p);
    const previousEnd = time.minus(this.slide);
    const previousBegin = previousEnd.minus(this.windowDuration).plus(p);
    // Spark takes leaving = [previousBegin, currentBegin - p] and entering = [previousEnd + p, t].
    // Both are clamped to their own window, which changes nothing when slide <= window; when the
    // slide is longer, Spark's ranges overlap and a key absent from the previous window would count
    // batches that are in neither window.
    const leavingEnd = min(previousEnd, currentBegin.minus(p));
    const enteringBegin = max(previousEnd.plus(p), currentBegin);
    const leaving = this.reducedStream.slice(previousBegin, leavingEnd);
    const entering = this.reducedStream.slice(enteringBegin, time);
    const previous = this.getOrCompute(previousEnd);
    return ReducedWindowRDD.merge(
      this.ssc.sparkContext,
      this.partitioner,
      previous,
      leaving,
      entering,
      this.fns,
    );
  }

  // ------------------------------------------------------------- state for checkpoints

  get operationName(): string {
    return 'reduceByKeyAndWindow';
  }

  /** The key of this stream's state in checkpoints: its `.name(...)`, else its place in the graph. */
  get stateKey(): string {
    return stateKeyOf(this, this.ssc.graph);
  }

  /** The newest window generated so far, if any (computed or not yet). */
  latestWindow(): { time: Time; rdd: RDD<Pair<K, V>> } | undefined {
    let latest: number | undefined;
    for (const t of this.generatedRDDs.keys()) if (latest === undefined || t > latest) latest = t;
    if (latest === undefined) return undefined;
    return { time: new Time(latest), rdd: this.generatedRDDs.get(latest)! };
  }

  /**
   * Installs the window of `time` from its pairs (a snapshot), so that the window one slide later
   * is computed from it. Call before the first batch after `time` runs.
   */
  restoreWindow(time: Time, pairs: Iterable<Pair<K, V>>): void {
    const rdd = ReducedWindowRDD.fromPairs(this.ssc.sparkContext, this.partitioner, pairs);
    this.generatedRDDs.set(time.milliseconds, rdd);
  }

  /**
   * The newest window at or before `time`, computed (which also cuts its lineage), with the time
   * of that window in `meta.windowTime`.
   */
  async snapshotState(time: Time): Promise<StateSnapshot | undefined> {
    let at: number | undefined;
    for (const t of this.generatedRDDs.keys()) {
      if (t <= time.milliseconds && (at === undefined || t > at)) at = t;
    }
    if (at === undefined) return undefined;
    const entries = await this.generatedRDDs.get(at)!.collect();
    return { entries, meta: { windowTime: at } };
  }

  /** Restores the window of a snapshot; `options.migrate` converts each key's reduced value. */
  restoreState(time: Time, snapshot: StateSnapshot, options: RestoreOptions = {}): void {
    const at = snapshot.meta?.windowTime;
    let pairs = snapshot.entries as readonly Pair<K, V>[];
    const migrate = options.migrate;
    if (migrate) {
      const key = this.stateKey;
      pairs = pairs.flatMap(([k, v]) => {
        const migrated = migrateState(key, migrate, v, k) as V | undefined;
        return migrated === undefined ? [] : [[k, migrated] as const];
      });
    }
    this.restoreWindow(typeof at === 'number' ? new Time(at) : time, pairs);
  }
}

function min(a: Time, b: Time): Time {
  return a.less(b) ? a : b;
}

function max(a: Time, b: Time): Time {
  return a.greater(b) ? a : b;
}

// Checkpoints snapshot and restore the latest window (see conformsTo for why not `implements`).
conformsTo<StatefulStream>()(ReducedWindowedDStream);
