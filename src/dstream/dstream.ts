import { DStreamError, requirement } from '../errors.js';
import { StorageLevel, type RDD } from '../rdd/index.js';
import { withCallSite } from '../rdd/creation-scope.js';
import { CapturedCallSite } from '../util/call-site.js';
import { computeStreamRDD } from '../streaming/task-threads/stream-rdds.js';
import type { StreamingContext } from '../streaming/streaming-context.js';
import { Seconds, type Duration } from '../util/duration.js';
import { Logger } from '../util/logging.js';
import type { Time } from '../util/time.js';

const log = new Logger('DStream');

/**
 * A discretized stream, as Spark's `DStream`: a sequence of RDDs, one per batch (or per slide, for
 * windowed streams), each computed from the RDDs of its parents for the same time. Operations
 * are lazy: they declare new streams; nothing runs until an output operation (`print`,
 * `foreachRDD`, `saveAsTextFiles`) is registered and the context is started.
 *
 * Pair operations (`reduceByKey`, `join`, `updateStateByKey`...) exist on every DStream but
 * type-check only on streams of `readonly [K, V]` pairs. Keys are compared by value: primitives as
 * they are, arrays and plain objects by their content.
 *
 * Every DStream family overrides the same three members: its `dependencies`, its `slideDuration`
 * and `compute(time)`, which returns the RDD for that time or `undefined` for none; a family
 * reads its parents' RDDs with `getOrCompute(time)`. That is also how a new family is written
 * outside dstream (docs/extending.md).
 */
export abstract class DStream<T> {
  /**
   * A number unique among the streams of the process, in order of creation (shown in `toString()` and the UI).
   */
  readonly id: number;
  /** @internal (users and new families use `context`) */
  readonly ssc: StreamingContext;
  /**
   * The RDDs generated so far, by batch time (ms), kept for the remember duration.
   * @internal
   */
  protected readonly generatedRDDs = new Map<number, RDD<T>>();
  // The graph's life (zero time, remembering, checkpoints) is the engine's: left out of the
  // published types, as Spark keeps it private[streaming].
  /** @internal */
  zeroTime: Time | undefined;
  /** @internal */
  rememberDuration: Duration | undefined;
  /** @internal */
  checkpointDuration: Duration | undefined;
  /**
   * Stateful streams set this: they need a checkpoint directory and interval.
   * @internal
   */
  protected mustCheckpoint = false;
  private storageLevel = StorageLevel.NONE;
  private userName: string | undefined;
  /** Where the user's code declared it: the call site of the RDDs it generates. */
  private readonly creationSite = new CapturedCallSite();

  constructor(ssc: StreamingContext) {
    ssc.assertCanAddStreams();
    this.ssc = ssc;
    this.id = ssc.newStreamId();
  }

  /** The interval at which this stream generates RDDs. */
  abstract get slideDuration(): Duration;

  /** The streams this one is computed from. */
  abstract get dependencies(): readonly DStream<unknown>[];

  /** The RDD for a valid `time`, or `undefined` when this stream has none then. */
  abstract compute(time: Time): RDD<T> | undefined;

  /** The context of this stream. */
  get context(): StreamingContext {
    return this.ssc;
  }

  /** A stable name for this stream (used to key its state in checkpoints). */
  name(name: string): this {
    this.userName = name;
    return this;
  }

  /** @internal */
  get givenName(): string | undefined {
    return this.userName;
  }

  /** `<Class>[<id>]`, such as `MappedDStream[3]`. */
  toString(): string {
    return `${this.constructor.name}[${this.id}]`;
  }

  /**
   * Whether a batch at `time` falls on this stream's slide grid.
   * @internal
   */
  isTimeValid(time: Time): boolean {
    if (this.zeroTime === undefined) return false;
    if (time.lessEq(this.zeroTime)) return false;
    return time.minus(this.zeroTime).isMultipleOf(this.slideDuration);
  }

  /**
   * The RDD for `time`: generated once, then remembered. A family's `compute(time)` reads its
   * parents' RDDs with it.
   */
  getOrCompute(time: Time): RDD<T> | undefined {
    const cached = this.generatedRDDs.get(time.milliseconds);
    if (cached) return cached;
    if (!this.isTimeValid(time)) return undefined;
    // Records where the RDDs come from, so that task threads can replay this computation.
    const rdd = withCallSite(this.creationSite, () =>
      computeStreamRDD(
        this.ssc.sparkContext,
        this.id,
        time.milliseconds,
        this.dependencies.length === 0,
        () => this.compute(time),
      ),
    );
    if (rdd) {
      // An RDD a parent generated (a transform returning its input) keeps the parent's level.
      if (this.isPersisted && !rdd.isPersisted) rdd.persist(this.storageLevel);
      this.generatedRDDs.set(time.milliseconds, rdd);
    }
    return rdd;
  }

  /**
   * The RDDs generated so far, by time (for checkpoints and tests).
   * @internal
   */
  get generated(): ReadonlyMap<number, RDD<T>> {
    return this.generatedRDDs;
  }

  // ----------------------------------------------------------- graph life

  /** @internal */
  initialize(zeroTime: Time): void {
    if (this.zeroTime !== undefined && !this.zeroTime.equals(zeroTime)) {
      throw new DStreamError(
        'DSTREAM_ERR_INVALID_ARGUMENT',
        `ZeroTime is already initialized to ${this.zeroTime}, cannot initialize it again to ${zeroTime}`,
      );
    }
    this.zeroTime = zeroTime;
    if (this.mustCheckpoint && this.checkpointDuration === undefined) {
      this.checkpointDuration = this.defaultCheckpointInterval();
    }
    let minRemember = this.slideDuration;
    if (this.checkpointDuration && minRemember.lessEq(this.checkpointDuration)) {
      minRemember = this.checkpointDuration.times(2);
    }
    if (!this.rememberDuration || this.rememberDuration.less(minRemember)) {
      this.rememberDuration = minRemember;
    }
    for (const p of this.dependencies) p.initialize(zeroTime);
  }

  /**
   * The smallest multiple of the slide that is at least 10 s (Spark's default).
   * @internal
   */
  protected defaultCheckpointInterval(): Duration {
    return this.slideDuration.times(Math.ceil(Seconds(10).div(this.slideDuration)));
  }

  /** @internal */
  rememberAtLeast(duration: Duration | undefined): void {
    if (duration && (!this.rememberDuration || duration.greater(this.rememberDuration))) {
      this.rememberDuration = duration;
    }
    const parents = this.parentRememberDuration();
    for (const p of this.dependencies) p.rememberAtLeast(parents);
  }

  /**
   * How long parents must remember their RDDs for this stream (windows add their length).
   * @internal
   */
  protected parentRememberDuration(): Duration | undefined {
    return this.rememberDuration;
  }

  /** @internal */
  validateAtStart(): void {
    const name = this.constructor.name;
    requirement(
      this.rememberDuration !== undefined,
      'DSTREAM_ERR_INVALID_DURATION',
      'Remember duration is set to null',
    );
    if (this.mustCheckpoint) {
      requirement(
        this.checkpointDuration !== undefined,
        'DSTREAM_ERR_CHECKPOINT_INTERVAL',
        `The checkpoint interval for ${name} has not been set. Please use DStream.checkpoint() to set the interval.`,
      );
    }
    const c = this.checkpointDuration;
    if (!c) return;
    requirement(
      this.ssc.checkpointDir !== undefined,
      'DSTREAM_ERR_CHECKPOINT_DIR_NOT_SET',
      'The checkpoint directory has not been set. Please set it by StreamingContext.checkpoint().',
    );
    const s = this.slideDuration;
    requirement(
      c.greaterEq(s),
      'DSTREAM_ERR_CHECKPOINT_INTERVAL',
      `The checkpoint interval for ${name} has been set to ${c} which is lower than its slide time (${s}). Please set it to at least ${s}.`,
    );
    requirement(
      c.isMultipleOf(s),
      'DSTREAM_ERR_CHECKPOINT_INTERVAL',
      `The checkpoint interval for ${name} has been set to  ${c} which not a multiple of its slide time (${s}). Please set it to a multiple of ${s}.`,
    );
  }

  /** @internal */
  clearMetadata(time: Time): void {
    const remember = this.rememberDuration ?? this.slideDuration;
    const horizon = time.minus(remember).milliseconds;
    const unpersist = this.ssc.conf.getBoolean('spark.streaming.unpersist', true);
    for (const [t, rdd] of this.generatedRDDs) {
      if (t <= horizon) {
        this.generatedRDDs.delete(t);
        if (unpersist) rdd.unpersist();
      }
    }
    for (const p of this.dependencies) p.clearMetadata(time);
  }

  // ----------------------------------------------------------- persistence

  /**
   * Persists each RDD this stream generates at `level`, so that several outputs (or windows)
   * reuse it instead of computing it again, as Spark's `DStream.persist`. {@link StorageLevel}
   * says what each level does here. Unlike Spark, whose DStreams default to `MEMORY_ONLY_SER`,
   * the default is `MEMORY_ONLY`: on one machine, serialising every persisted batch would cost
   * time and save nothing a user asked for; pass `StorageLevel.MEMORY_ONLY_SER` to keep batches
   * serialised. Windows, `reduceByKeyAndWindow` and the stateful operations persist what they
   * need themselves. Set before `start()`.
   *
   * @example
   * ```ts
   * const parsed = lines.map((l) => l.split(',')).persist(StorageLevel.MEMORY_ONLY_SER);
   * parsed.count().print();
   * parsed.print();
   * ```
   */
  persist(level: StorageLevel = StorageLevel.MEMORY_ONLY): this {
    if (this.ssc.getState() !== 'INITIALIZED') {
      throw new DStreamError(
        'DSTREAM_ERR_CHANGED_AFTER_START',
        'Cannot change storage level of a DStream after streaming context has started',
      );
    }
    this.storageLevel = level.isValid ? level : StorageLevel.NONE;
    return this;
  }

  /** `persist()`: each generated RDD kept in memory. */
  cache(): this {
    return this.persist();
  }

  /** The level the RDDs of this stream are persisted at (`StorageLevel.NONE`: not persisted). */
  getStorageLevel(): StorageLevel {
    return this.storageLevel;
  }

  /**
   * Whether the stream persists its RDDs: `persist()`/`cache()` was called, or `checkpoint()`
   * (which persists), or a window over it persists its parent, as in Spark.
   */
  get isPersisted(): boolean {
    return this.storageLevel !== StorageLevel.NONE;
  }

  /** Snapshots this stream (its state, for stateful streams) every `interval`. */
  checkpoint(interval: Duration): this {
    if (this.ssc.getState() !== 'INITIALIZED') {
      throw new DStreamError(
        'DSTREAM_ERR_CHANGED_AFTER_START',
        'Cannot change checkpoint interval of a DStream after streaming context has started',
      );
    }
    this.persist();
    this.checkpointDuration = interval;
    return this;
  }

  // ----------------------------------------------------------- slice

  /**
   * The RDDs of the batches with `fromTime <= time <= toTime`, times aligned to the slide. Works
   * only on a started context (also from inside `foreachRDD`).
   */
  slice(fromTime: Time, toTime: Time): RDD<T>[] {
    const zero = this.zeroTime;
    if (zero === undefined) {
      throw new DStreamError(
        'DSTREAM_ERR_NOT_INITIALIZED',
        `${this.toString()} has not been initialized`,
      );
    }
    const align = (t: Time, which: string): Time => {
      if (t.minus(zero).isMultipleOf(this.slideDuration)) return t;
      log.warn(`${which} (${t}) is not a multiple of slideDuration (${this.slideDuration})`);
      return t.floor(this.slideDuration, zero);
    };
    const from = align(fromTime, 'fromTime');
    const to = align(toTime, 'toTime');
    const out: RDD<T>[] = [];
    for (const t of from.to(to, this.slideDuration)) {
      const rdd = this.getOrCompute(t);
      if (rdd) out.push(rdd);
    }
    return out;
  }
}
