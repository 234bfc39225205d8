import { DStreamError } from '../errors.js';
import { type StorageLevel, RDD, type Partitioner, type TaskContext } from '../rdd/index.js';
import { StateMap, StateShape } from '../state/index.js';
import type {
  RestoreOptions,
  StatefulStream,
  StateSnapshot,
} from '../streaming/checkpoint/stateful-stream.js';
import type { Duration } from '../util/duration.js';
import type { Time } from '../util/time.js';
import { conformsTo, type Pair } from '../util/types.js';
import { stateKeyOf } from '../streaming/checkpoint/state-keys.js';
import type { SizedStateStream, StateSize } from '../streaming/engine-info.js';
import { userCallSite } from '../util/call-site.js';
import { DStream } from './dstream.js';
import { migrateState, shapeCheckOf, type ShapeCheck } from './restored-state.js';
import { ApplyAfterInputsRDD, ScaleOutState } from './scale-out-state.js';

// What updateStateByKey and mapWithState share: per-partition state maps owned by the stream and
// updated in place, one version per batch (see "State" in docs/architecture.md).

/** Restored states summarised for the shape check: evenly spread, so every partition counts. */
const SHAPE_SAMPLE = 1000;
/** Entries per partition whose bytes are estimated for the UI's state size, every batch. */
const SIZE_SAMPLE = 16;

/**
 * A stream whose state lives in one {@link StateMap} per partition of its partitioner. Its RDD for
 * batch `t` applies the batch to the maps (once, whoever reads it first) and reads them as of `t`.
 */
export abstract class KeyedStateDStream<T, K, V, S> extends DStream<T> {
  protected override mustCheckpoint = true;
  readonly stores: StateMap<K, S>[];
  /** Set once a state RDD was generated or the state restored: later batches build on it. */
  protected hasState = false;
  private rememberRequested: Duration | undefined;
  /** Versions being snapshotted, which must stay readable meanwhile (time → count). */
  private readonly pins = new Map<number, number>();
  /**
   * Set by a restore: the first batch that stores states afterwards compares them with the
   * restored ones (every partition before any output reads one), then drops it.
   */
  shapeCheck: ShapeCheck | undefined;
  /** Where the user declared the operator (`app.ts:12`), for the UI's name of it. */
  private readonly callSite = userCallSite();

  constructor(
    readonly parent: DStream<Pair<K, V>>,
    readonly partitioner: Partitioner,
    trackTimes: boolean,
  ) {
    super(parent.ssc);
    this.stores = Array.from(
      { length: partitioner.numPartitions },
      () => new StateMap<K, S>({ trackTimes }),
    );
  }

  private scaleOutState: ScaleOutState<K, S> | null | undefined;

  /**
   * Set when the stream reads a Kafka stream whose partitions move between processes: the state
   * then follows the partitions this process reads (scale-out-state.ts).
   * @internal
   */
  get scaleOut(): ScaleOutState<K, S> | undefined {
    if (this.scaleOutState === undefined) this.scaleOutState = ScaleOutState.of(this) ?? null;
    return this.scaleOutState ?? undefined;
  }

  /** `updateStateByKey` or `mapWithState`: part of the state key derived when unnamed. */
  abstract get operationName(): string;

  /** Who stores the states, for the shape check's message: `the update function now returns`. */
  protected abstract get stateProducer(): string;

  get slideDuration(): Duration {
    return this.parent.slideDuration;
  }

  get dependencies(): readonly DStream<unknown>[] {
    return [this.parent];
  }

  /** The user's `.name(...)`, else derived from the graph (docs/checkpoint-format.md). */
  get stateKey(): string {
    return stateKeyOf(this, this.ssc.graph);
  }

  /** `updateStateByKey at app.ts:12`: the UI's name of the operator, as Spark's call sites. */
  get stateOperatorName(): string {
    return `${this.operationName} at ${this.callSite}`;
  }

  /** Keys and approximate bytes of every partition (a sample of each, not a walk over them). */
  stateSize(): StateSize {
    let numKeys = 0;
    let approximateBytes = 0;
    let applied = Infinity;
    for (const store of this.stores) {
      numKeys += store.size;
      approximateBytes += store.approximateBytes(SIZE_SAMPLE);
      applied = Math.min(applied, store.version);
    }
    const lastUpdatedBatch = Number.isFinite(applied) ? applied : undefined;
    return { numKeys, approximateBytes, lastUpdatedBatch };
  }

  /** Whether every partition has applied the batch at `ms` (or a later one, or was restored). */
  protected allAppliedThrough(ms: number): boolean {
    for (const s of this.stores) if (s.version < ms) return false;
    return true;
  }

  // The state is versioned by the stream itself: caching an RDD would only copy the whole state.
  // So a level given here is not kept, and getStorageLevel() stays NONE.
  override persist(_level?: StorageLevel): this {
    if (this.ssc.getState() !== 'INITIALIZED') {
      throw new DStreamError(
        'DSTREAM_ERR_CHANGED_AFTER_START',
        'Cannot change storage level of a DStream after streaming context has started',
      );
    }
    return this;
  }

  override rememberAtLeast(duration: Duration | undefined): void {
    if (duration && (!this.rememberRequested || duration.greater(this.rememberRequested))) {
      this.rememberRequested = duration;
    }
    super.rememberAtLeast(duration);
  }

  override initialize(zeroTime: Time): void {
    super.initialize(zeroTime);
    // Spark keeps a checkpointed stream's RDDs two checkpoint intervals, until its RDD checkpoint
    // is written. Here snapshots read the maps, so only what children and `remember` ask for is
    // kept: every remembered batch keeps its undo log alive.
    const requested = this.rememberRequested;
    this.rememberDuration =
      requested && requested.greater(this.slideDuration) ? requested : this.slideDuration;
  }

  override clearMetadata(time: Time): void {
    super.clearMetadata(time);
    let oldest = Infinity;
    for (const t of this.generatedRDDs.keys()) if (t < oldest) oldest = t;
    for (const t of this.pins.keys()) if (t < oldest) oldest = t;
    for (const store of this.stores) store.trim(oldest === Infinity ? store.version : oldest);
    this.forgetBefore(oldest);
  }

  /** Drops per-batch data (mapped records) of batches before `oldest` that are remembered. */
  protected forgetBefore(_oldest: number): void {}

  // ----------------------------------------------------------- checkpoint contract

  async snapshotState(time: Time): Promise<StateSnapshot | undefined> {
    const ms = time.milliseconds;
    const rdd = this.generatedRDDs.get(ms) as StateRDD<T, K, S> | undefined;
    this.pins.set(ms, (this.pins.get(ms) ?? 0) + 1);
    try {
      if (rdd) {
        await this.ssc.sparkContext.runJob(new ApplyStateRDD(rdd), () => undefined);
      } else if (!this.hasState || !this.stores.every((s) => s.canRead(ms))) {
        return undefined;
      }
      const entries: Pair<K, S>[] = [];
      const times: number[] = [];
      const tracked = this.stores[0]?.tracksTimes ?? false;
      for (const store of this.stores) {
        const read = store.forEachAsOf(ms, (value, key, t) => {
          entries.push([key, value]);
          if (tracked) times.push(t);
        });
        if (!read) throw stateUnavailable(this, time);
      }
      return tracked ? { entries, meta: { lastUpdated: times } } : { entries };
    } finally {
      const n = this.pins.get(ms)! - 1;
      if (n === 0) this.pins.delete(ms);
      else this.pins.set(ms, n);
    }
  }

  restoreState(time: Time, snapshot: StateSnapshot, options: RestoreOptions = {}): void {
    const ms = time.milliseconds;
    const entries = snapshot.entries as unknown;
    if (!Array.isArray(entries)) {
      throw new DStreamError(
        'DSTREAM_ERR_INVALID_ARGUMENT',
        `The snapshot of state ${this.stateKey} has no entries array: it was not written by updateStateByKey or mapWithState`,
      );
    }
    const lastUpdated = snapshot.meta?.['lastUpdated'];
    const times =
      Array.isArray(lastUpdated) && lastUpdated.length === entries.length
        ? (lastUpdated as unknown[])
        : undefined;
    const { migrate, checkShape = true } = options;
    const stateKey = migrate || checkShape ? this.stateKey : '';
    const shape = new StateShape();
    const step = Math.max(1, Math.ceil(entries.length / SHAPE_SAMPLE));
    for (const store of this.stores) store.reset(ms);
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as unknown;
      if (!Array.isArray(e) || e.length !== 2) {
        throw new DStreamError(
          'DSTREAM_ERR_INVALID_ARGUMENT',
          `Entry ${i} of the snapshot of state ${this.stateKey} is not a [key, state] pair`,
        );
      }
      const key = e[0] as K;
      const state = (migrate ? migrateState(stateKey, migrate, e[1], key) : e[1]) as S;
      // A migration drops a key by returning undefined (a stored undefined state stays).
      if (migrate && state === undefined) continue;
      if (checkShape && i % step === 0) shape.add(state);
      const t = times?.[i];
      this.stores[this.partitioner.getPartition(key)]!.set(
        key,
        state,
        typeof t === 'number' ? t : ms,
      );
    }
    this.shapeCheck = checkShape ? shapeCheckOf(shape, stateKey, this.stateProducer) : undefined;
    this.generatedRDDs.clear();
    this.forgetBefore(Infinity);
    this.hasState = true;
  }
}

/**
 * The RDD of a state stream for one batch. Partition `p` is applied at most once: the first read
 * brings every partition of the previous batch up to date (so no unapplied chain builds up behind
 * a partition nobody reads), applies this batch to map `p`, and from then on reads map `p` as of
 * this batch. Once all partitions are applied it lets go of its inputs and of the previous RDD.
 */
export abstract class StateRDD<T, K, S> extends RDD<T> {
  private readonly links: RDD<unknown>[];
  private prev: StateRDD<T, K, S> | undefined;
  private applied = 0;
  /** Applying every partition for the shape check of the first batch after a restore. */
  private checking = false;
  private preparing: Promise<void> | undefined;

  constructor(
    readonly stream: KeyedStateDStream<T, K, unknown, S>,
    readonly time: Time,
    prev: StateRDD<T, K, S> | undefined,
    inputs: readonly (RDD<unknown> | undefined)[],
  ) {
    const links: RDD<unknown>[] = prev ? [prev] : [];
    for (const r of inputs) if (r) links.push(r);
    super(stream.ssc.sparkContext, links);
    // The scheduler walks `narrowParents` (this very array): emptied once applied, it cuts the
    // lineage as Spark's RDD checkpoint does.
    this.links = links;
    this.prev = prev;
    this.partitioner = stream.partitioner;
  }

  get numPartitions(): number {
    return this.stream.stores.length;
  }

  // With scale-out, the whole batch is applied and its changes reach the changelog before any
  // partition is read: the scheduler prepares an RDD before the job's stages run.
  override get needsPreparation(): boolean {
    return this.stream.scaleOut !== undefined;
  }

  override prepare(): Promise<void> {
    const scaleOut = this.stream.scaleOut;
    if (!scaleOut) return Promise.resolve();
    this.preparing ??= scaleOut
      .applyBatch(this.time, this.stream.slideDuration.milliseconds, () =>
        this.context.runJob(new ApplyAfterInputsRDD(this, [...this.links]), () => undefined),
      )
      .catch((e: unknown) => {
        this.preparing = undefined;
        throw e;
      });
    return this.preparing;
  }

  /** Applies this batch to partition `split` unless it already is. */
  ensureApplied(split: number, task: TaskContext): void {
    const store = this.stream.stores[split]!;
    const ms = this.time.milliseconds;
    if (store.version >= ms) return;
    this.prev?.ensureAllApplied(task);
    const check = this.stream.shapeCheck;
    if (check && !this.checking) {
      // The first batch after a restore is checked whole before any partition of it is read, so
      // that a state of the wrong shape fails the batch before any of its output is written.
      this.checking = true;
      try {
        this.ensureAllApplied(task);
      } catch (e) {
        throw check.explain(e, this.time);
      } finally {
        this.checking = false;
      }
      if (check.checked > 0 && this.stream.shapeCheck === check) this.stream.shapeCheck = undefined;
      return;
    }
    store.beginVersion(ms);
    try {
      this.apply(store, split, task);
    } catch (e) {
      store.rollback();
      throw e;
    }
    store.endVersion();
    if (++this.applied === this.numPartitions) {
      this.prev = undefined;
      this.links.length = 0;
      this.release();
    }
  }

  ensureAllApplied(task: TaskContext): void {
    if (this.applied === this.numPartitions) return;
    for (let p = 0; p < this.numPartitions; p++) {
      this.ensureApplied(p, { stageId: task.stageId, partitionId: p });
    }
  }

  /** Every entry of partition `split` as of this batch: state, key, last-updated time. */
  forEachState(
    split: number,
    task: TaskContext,
    f: (value: S, key: K, lastUpdated: number) => void,
  ): void {
    this.ensureApplied(split, task);
    if (!this.stream.stores[split]!.forEachAsOf(this.time.milliseconds, f)) {
      throw stateUnavailable(this.stream, this.time);
    }
  }

  /** Applies this batch's input of partition `split` to its map (a version is open). */
  protected abstract apply(store: StateMap<K, S>, split: number, task: TaskContext): void;

  /** Drops references to inputs once every partition is applied. */
  protected abstract release(): void;
}

/** Applies every partition of a state RDD and emits nothing (for snapshots). */
class ApplyStateRDD extends RDD<never> {
  constructor(private readonly parent: StateRDD<unknown, unknown, unknown>) {
    super(parent.context, [parent]);
  }

  get numPartitions(): number {
    return this.parent.numPartitions;
  }

  protected get kind(): string {
    return 'applyState';
  }

  protected compute(split: number, task: TaskContext): void {
    this.parent.ensureApplied(split, task);
  }
}

function stateUnavailable(stream: DStream<unknown>, time: Time): DStreamError {
  return new DStreamError(
    'DSTREAM_ERR_STATE_UNAVAILABLE',
    `The state of ${stream} as of ${time} is no longer available: the RDDs of a stateful stream can be read only while the stream remembers them (use ssc.remember(duration) to keep them longer)`,
  );
}

// Checkpoints snapshot and restore the state, the UI shows its size (see conformsTo for why not
// `implements`).
conformsTo<StatefulStream>()(KeyedStateDStream);
conformsTo<SizedStateStream>()(KeyedStateDStream);
