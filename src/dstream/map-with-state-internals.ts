import { RDD, type TaskContext } from '../rdd/index.js';
import type { Emit } from '../rdd/task-context.js';
import type { StateMap } from '../state/index.js';
import type { Duration } from '../util/duration.js';
import type { Time } from '../util/time.js';
import type { Pair } from '../util/types.js';
import type { DStream } from './dstream.js';
import { streamPartitioner } from './pair-dstream-functions.js';
import { StateImpl, type StateSpec } from './state-spec.js';
import { KeyedStateDStream, StateRDD } from './stateful-internals.js';

/** What the internal stream's RDD holds per partition (Spark's `MapWithStateRDDRecord`). */
export interface MapWithStateRecord<R> {
  readonly mappedData: readonly R[];
}

const NONE: readonly never[] = [];

/**
 * mapWithState's state stream (Spark's `InternalMapWithStateDStream`, the name its errors use).
 * Each batch applies the records to the partition maps and keeps what the function returned, by
 * batch, for the mapped stream.
 */
export class InternalMapWithStateDStream<K, V, S, R> extends KeyedStateDStream<
  MapWithStateRecord<R>,
  K,
  V,
  S
> {
  /** The mapped records of each remembered batch, by time, then partition. */
  private readonly mapped = new Map<number, (R[] | undefined)[]>();

  constructor(
    parent: DStream<Pair<K, V>>,
    readonly spec: StateSpec<K, V, S, R>,
  ) {
    super(
      parent,
      spec.getPartitioner() ?? streamPartitioner(parent),
      spec.getTimeoutInterval() !== undefined,
    );
  }

  override get operationName(): string {
    return 'mapWithState';
  }

  protected override get stateProducer(): string {
    return 'the mapping function now stores';
  }

  /** Spark's default for mapWithState: ten batches. */
  protected override defaultCheckpointInterval(): Duration {
    return this.slideDuration.times(10);
  }

  compute(time: Time): MapWithStateRDD<K, V, S, R> {
    const ms = time.milliseconds;
    if (this.allAppliedThrough(ms)) {
      return new MapWithStateRDD(this, time, undefined, undefined, undefined, false);
    }
    const prev = this.hasState
      ? (this.getOrCompute(time.minus(this.slideDuration)) as
          MapWithStateRDD<K, V, S, R> | undefined)
      : undefined;
    const initial = this.hasState
      ? undefined
      : this.spec.getInitialStateRDD()?.partitionBy(this.partitioner);
    // As Spark: a batch without data is still a state RDD (timeouts go on).
    const data = this.parent.getOrCompute(time)?.partitionBy(this.partitioner);
    // Timeouts are looked for only on the batches whose state Spark checkpoints.
    const interval = this.checkpointDuration;
    const fullScan =
      interval !== undefined &&
      this.zeroTime !== undefined &&
      time.minus(this.zeroTime).isMultipleOf(interval);
    this.hasState = true;
    return new MapWithStateRDD(this, time, prev, data, initial, fullScan);
  }

  mappedOf(ms: number, split: number): readonly R[] {
    return this.mapped.get(ms)?.[split] ?? NONE;
  }

  setMapped(ms: number, split: number, records: R[]): void {
    let byPartition = this.mapped.get(ms);
    if (!byPartition) this.mapped.set(ms, (byPartition = []));
    byPartition[split] = records;
  }

  protected override forgetBefore(oldest: number): void {
    for (const ms of this.mapped.keys()) if (ms < oldest) this.mapped.delete(ms);
  }
}

/** The state RDD of one batch: applies the batch's records, then any timeouts, to each map. */
export class MapWithStateRDD<K, V, S, R> extends StateRDD<MapWithStateRecord<R>, K, S> {
  private data: RDD<Pair<K, V>> | undefined;
  private initial: RDD<Pair<K, S>> | undefined;

  constructor(
    private readonly owner: InternalMapWithStateDStream<K, V, S, R>,
    time: Time,
    prev: MapWithStateRDD<K, V, S, R> | undefined,
    data: RDD<Pair<K, V>> | undefined,
    initial: RDD<Pair<K, S>> | undefined,
    private readonly fullScan: boolean,
  ) {
    super(owner, time, prev, [data, initial]);
    this.data = data;
    this.initial = initial;
  }

  protected get kind(): string {
    return 'mapWithState';
  }

  protected compute(split: number, task: TaskContext, emit: Emit<MapWithStateRecord<R>>): void {
    emit({ mappedData: this.mappedData(split, task) });
  }

  /** What the function returned for partition `split` of this batch. */
  mappedData(split: number, task: TaskContext): readonly R[] {
    this.ensureApplied(split, task);
    return this.owner.mappedOf(this.time.milliseconds, split);
  }

  protected apply(store: StateMap<K, S>, split: number, task: TaskContext): void {
    const t = this.time.milliseconds;
    const time = this.time;
    const spec = this.owner.spec;
    const f = spec.mappingFunction;
    const timeout = spec.getTimeoutInterval();
    // Initial states count as updated at the first batch.
    this.initial?.iterate(split, task, (kv) => store.set(kv[0], kv[1], t));
    const state = new StateImpl<S>();
    const out: R[] = [];
    // Set in the first batch after a restore only: what the function stores is checked there.
    const check = this.owner.shapeCheck;
    this.data?.iterate(split, task, (kv) => {
      const key = kv[0];
      const slot = store.lookup(key);
      if (slot >= 0) state.wrap(store.valueAt(slot), true);
      else state.wrap(undefined, false);
      const result = f(key, kv[1], state, time);
      if (state.removed) {
        if (slot >= 0) store.remove(slot, key);
      } else if (state.updated || (state.defined && timeout !== undefined)) {
        if (check && state.updated) check.check(state.value, key);
        // With a timeout, any record refreshes the key's idle time, even without an update.
        if (slot >= 0) store.update(slot, key, state.value as S, t);
        else store.insert(key, state.value as S, t);
      }
      if (result !== undefined) out.push(result);
    });
    if (this.fullScan && timeout !== undefined) {
      const threshold = t - timeout.milliseconds;
      store.forEachSlot((slot, key) => {
        if (store.timeAt(slot) >= threshold) return;
        state.wrapTimingOut(store.valueAt(slot));
        const result = f(key, undefined, state, time);
        if (result !== undefined) out.push(result);
        store.remove(slot, key);
      });
    }
    this.owner.setMapped(t, split, out);
  }

  protected release(): void {
    this.data = undefined;
    this.initial = undefined;
  }
}

/** The mapped records of each batch: the stream mapWithState returns. */
export class MappedDataRDD<K, V, S, R> extends RDD<R> {
  constructor(private readonly parent: MapWithStateRDD<K, V, S, R>) {
    super(parent.context, [parent]);
  }

  get numPartitions(): number {
    return this.parent.numPartitions;
  }

  protected get kind(): string {
    return 'mapWithState mapped data';
  }

  protected compute(split: number, task: TaskContext, emit: Emit<R>): void {
    const records = this.parent.mappedData(split, task);
    for (let i = 0; i < records.length; i++) emit(records[i]!);
  }
}

/** Every `[key, state]` after each batch (`stateSnapshots()`). */
export class StateSnapshotRDD<K, V, S, R> extends RDD<Pair<K, S>> {
  constructor(private readonly parent: MapWithStateRDD<K, V, S, R>) {
    super(parent.context, [parent]);
    this.partitioner = parent.partitioner;
  }

  get numPartitions(): number {
    return this.parent.numPartitions;
  }

  protected get kind(): string {
    return 'stateSnapshots';
  }

  protected compute(split: number, task: TaskContext, emit: Emit<Pair<K, S>>): void {
    this.parent.forEachState(split, task, (state, key) => emit([key, state]));
  }
}
