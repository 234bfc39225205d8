import type { Partitioner, Partitioning, RDD, TaskContext } from '../rdd/index.js';
import { BatchGroups, type StateMap } from '../state/index.js';
import type { Emit } from '../rdd/task-context.js';
import type { Time } from '../util/time.js';
import { attachOperations, type Implementation } from '../util/attach.js';
import type { Pair, Widen } from '../util/types.js';
import { DStream } from './dstream.js';
import { streamPartitioner } from './pair-dstream-functions.js';
import { KeyedStateDStream, StateRDD } from './stateful-internals.js';
import { widenValues } from './widen.js';

/** updateStateByKey's function: a key's new values of the batch and its state → its new state. */
export type UpdateStateFunction<K, V, S> = (
  values: V[],
  state: S | undefined,
  key: K,
  time: Time,
) => S | undefined;

/**
 * The options of `updateStateByKey(update, options)`: Spark's `numPartitions`/`partitioner` and `initialRDD` arguments.
 */
export interface UpdateStateByKeyOptions<K, S> {
  /** Partitions of the state (default `spark.default.parallelism`). */
  numPartitions?: number;
  /**
   * Places the keys of the state (Spark's `partitioner` argument); wins over `numPartitions`.
   * Default: a `HashPartitioner` of `numPartitions`.
   */
  partitioner?: Partitioner;
  /**
   * Whether the stream's RDDs keep the state's partitioner, as Spark's `rememberPartitioner`
   * (default true): a later keyed operation with the same partitioner then needs no shuffle.
   */
  rememberPartitioner?: boolean;
  /** The state of keys before the first batch; their function is called even without data. */
  initialRDD?: RDD<Pair<K, S>>;
}

/** `updateStateByKey`, on streams of pairs. */
export interface StateOperations {
  /**
   * A state per key, kept across batches, like Spark's `updateStateByKey`. Every batch, `update`
   * is called once for every key that has new values or a state: with the key's values of the
   * batch (an empty array when it has none), its state (`undefined` for a new key), the key and
   * the batch time. It returns the new state, or `undefined` to remove the key. The stream gives
   * the whole state after each batch, as `[key, state]` pairs. Keys are compared by value.
   *
   * Needs `ssc.checkpoint(dir)`; the state is snapshotted every checkpoint interval (by default
   * the smallest multiple of the batch interval that is at least 10 s). Treat states as
   * immutable values: return a new object rather than changing the old one.
   *
   * @example
   * ```ts
   * const totals = words
   *   .map((w) => [w, 1] as const)
   *   .updateStateByKey((values: number[], state: number | undefined) =>
   *     values.reduce((a, b) => a + b, state ?? 0),
   *   );
   * // Spark's partitioner overloads: (f, partitioner) and (f, partitioner, initialRDD)
   * words.map((w) => [w, 1] as const).updateStateByKey(
   *   (values: number[], state: number | undefined) => values.length + (state ?? 0),
   *   new HashPartitioner(4),
   * );
   * ```
   */
  updateStateByKey<K, V, S>(
    this: DStream<Pair<K, V>>,
    update: UpdateStateFunction<K, Widen<V>, S>,
    options?: UpdateStateByKeyOptions<K, S>,
  ): DStream<Pair<K, S>>;
  /**
   * As above, with Spark's positional arguments: a partition count or a partitioner, then an
   * initial state RDD.
   */
  updateStateByKey<K, V, S>(
    this: DStream<Pair<K, V>>,
    update: UpdateStateFunction<K, Widen<V>, S>,
    partitioning: Partitioning,
    initialRDD?: RDD<Pair<K, S>>,
  ): DStream<Pair<K, S>>;
}

declare module './dstream.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars -- DStream gets StateOperations' members; T merges with the class's own
  interface DStream<T> extends StateOperations {}
}

const stateOperations: Implementation<StateOperations, DStream<unknown>> = {
  updateStateByKey<K, V, S>(
    this: DStream<Pair<K, V>>,
    update: UpdateStateFunction<K, Widen<V>, S>,
    second?: UpdateStateByKeyOptions<K, S> | Partitioning,
    initialRDD?: RDD<Pair<K, S>>,
  ): DStream<Pair<K, S>> {
    const options: UpdateStateByKeyOptions<K, S> =
      second === undefined
        ? {}
        : typeof second === 'number'
          ? { numPartitions: second, initialRDD }
          : 'getPartition' in second
            ? { partitioner: second, initialRDD }
            : second;
    return new StateDStream(widenValues(this), update, options);
  },
};

attachOperations(DStream.prototype, stateOperations);

/**
 * updateStateByKey's stream (Spark's `StateDStream`, the name its errors use). Its RDD at `t` is
 * the state after batch `t`; a batch without data still calls the function for every key.
 */
export class StateDStream<K, V, S> extends KeyedStateDStream<Pair<K, S>, K, V, S> {
  readonly update: UpdateStateFunction<K, V, S>;
  /** Whether its RDDs keep the state's partitioner (Spark's `rememberPartitioner`). */
  readonly rememberPartitioner: boolean;
  private readonly initialRDD: RDD<Pair<K, S>> | undefined;

  constructor(
    parent: DStream<Pair<K, V>>,
    update: UpdateStateFunction<K, V, S>,
    options: UpdateStateByKeyOptions<K, S>,
  ) {
    super(parent, streamPartitioner(parent, options.partitioner ?? options.numPartitions), false);
    this.update = update;
    this.initialRDD = options.initialRDD;
    this.rememberPartitioner = options.rememberPartitioner ?? true;
  }

  override get operationName(): string {
    return 'updateStateByKey';
  }

  protected override get stateProducer(): string {
    return 'the update function now returns';
  }

  compute(time: Time): RDD<Pair<K, S>> | undefined {
    // Already applied (a restored state, or a batch asked for again): read the maps as of then.
    if (this.allAppliedThrough(time.milliseconds)) {
      return new UpdateStateRDD(this, time, undefined, undefined, undefined, true);
    }
    const prev = this.hasState
      ? (this.getOrCompute(time.minus(this.slideDuration)) as UpdateStateRDD<K, V, S> | undefined)
      : undefined;
    const parentRDD = this.parent.getOrCompute(time);
    // As Spark: no previous state and no data, no state RDD (the initial RDD waits for data).
    if (!this.hasState && !parentRDD) return undefined;
    const initial = this.hasState ? undefined : this.initialRDD?.partitionBy(this.partitioner);
    this.hasState = true;
    return new UpdateStateRDD(
      this,
      time,
      prev,
      parentRDD?.partitionBy(this.partitioner),
      initial,
      false,
    );
  }

  /**
   * The batch of a restored state runs again and its outputs read the stored states as they are:
   * before the new code's outputs receive them, the shape check sees what the update function
   * makes of a few of them (with no new values, as every batch calls it for keys without data).
   * Spark may call the function again for a batch too (recomputation), so it must not count on
   * being called once per key and batch.
   */
  previewUpdate(time: Time): void {
    const check = this.shapeCheck;
    if (!check || check.previewed) return;
    check.previewed = true;
    const perPartition = Math.ceil(PREVIEWED_STATES / this.stores.length);
    try {
      for (const store of this.stores) {
        let n = 0;
        store.forEachAsOf(time.milliseconds, (state, key) => {
          if (n++ >= perPartition) return;
          const next = this.update([], state, key, time);
          if (next !== undefined) check.check(next, key);
        });
      }
    } catch (e) {
      throw check.explain(e, time);
    }
  }
}

/** Restored states the update function is previewed on (see previewUpdate). */
const PREVIEWED_STATES = 100;

class UpdateStateRDD<K, V, S> extends StateRDD<Pair<K, S>, K, S> {
  private data: RDD<Pair<K, V>> | undefined;
  private initial: RDD<Pair<K, S>> | undefined;

  constructor(
    private readonly owner: StateDStream<K, V, S>,
    time: Time,
    prev: UpdateStateRDD<K, V, S> | undefined,
    data: RDD<Pair<K, V>> | undefined,
    initial: RDD<Pair<K, S>> | undefined,
    /** The state as of a batch applied before (a restored one, or one read again). */
    private readonly appliedBefore: boolean,
  ) {
    super(owner, time, prev, [data, initial]);
    if (!owner.rememberPartitioner) this.partitioner = undefined;
    this.data = data;
    this.initial = initial;
  }

  protected get kind(): string {
    return 'updateStateByKey';
  }

  protected compute(split: number, task: TaskContext, emit: Emit<Pair<K, S>>): void {
    if (this.appliedBefore && this.owner.shapeCheck) this.owner.previewUpdate(this.time);
    this.forEachState(split, task, (state, key) => emit([key, state]));
  }

  protected apply(store: StateMap<K, S>, split: number, task: TaskContext): void {
    const t = this.time.milliseconds;
    const time = this.time;
    const update = this.owner.update;
    // As Spark's cogroup with the initial RDD: a key's first initial state counts.
    this.initial?.iterate(split, task, (kv) => {
      if (store.lookup(kv[0]) < 0) store.insert(kv[0], kv[1], t);
    });
    const groups = new BatchGroups<K, V>();
    this.data?.iterate(split, task, (kv) => groups.add(kv[0], kv[1]));
    // Set in the first batch after a restore only: what the function returns is checked there.
    const check = this.owner.shapeCheck;
    store.forEachSlot((slot, key, encoding) => {
      const old = store.valueAt(slot);
      const next = update(groups.take(key, encoding) ?? [], old, key, time);
      if (next === undefined) store.remove(slot, key);
      else {
        check?.check(next, key);
        if (!Object.is(next, old)) store.update(slot, key, next, t);
      }
    });
    groups.forEach((values, key) => {
      const next = update(values, undefined, key, time);
      if (next === undefined) return;
      check?.check(next, key);
      store.insert(key, next, t);
    });
  }

  protected release(): void {
    this.data = undefined;
    this.initial = undefined;
  }
}
