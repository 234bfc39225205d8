import { DStreamError } from '../errors.js';
import { HashPartitioner, type Partitioner, type RDD } from '../rdd/index.js';
import type { Duration } from '../util/duration.js';
import type { Time } from '../util/time.js';
import type { Pair } from '../util/types.js';

/**
 * The state of one key, handed to a mapWithState function, like Spark's `State`: read it with
 * `exists()`, `get()` or `getOption()`, change it with `update(s)` or `remove()`. A key that is
 * timing out (`isTimingOut()`) can be read, not changed.
 *
 * @example
 * ```ts
 * const spec = StateSpec.function((word: string, one: number | undefined, state: State<number>) => {
 *   const count = (state.getOption() ?? 0) + (one ?? 0);
 *   state.update(count);
 *   return [word, count] as const;
 * });
 * ```
 */
export interface State<S> {
  /** Whether the key has a state. */
  exists(): boolean;
  /** The state; throws `State is not set` when there is none. */
  get(): S;
  /** The state, or `undefined` when there is none. */
  getOption(): S | undefined;
  /** Sets the state (not after `remove()`, nor while timing out). */
  update(newState: S): void;
  /** Removes the state (once, and not while timing out). */
  remove(): void;
  /** Whether the function is called because the key has been idle longer than the timeout. */
  isTimingOut(): boolean;
  /** The state as a string, or `<state not set>`. */
  toString(): string;
}

/** mapWithState's function: called per record with its key and value, and the key's state. */
export type MappingFunction<K, V, S, R> = (
  key: K,
  value: V | undefined,
  state: State<S>,
  time: Time,
) => R | undefined;

/**
 * What `mapWithState` does, like Spark's `StateSpec`: the mapping function, and optionally the
 * initial state, the partitioning of the state and an idle timeout.
 *
 * @example
 * ```ts
 * const spec = StateSpec.function(
 *   (word: string, one: number | undefined, state: State<number>) => {
 *     const sum = (one ?? 0) + (state.getOption() ?? 0);
 *     state.update(sum);
 *     return [word, sum] as const;
 *   },
 * ).timeout(Minutes(30));
 * const counts = pairs.mapWithState(spec);
 * ```
 */
export class StateSpec<K, V, S, R> {
  private initialStateRDD: RDD<Pair<K, S>> | undefined;
  private statePartitioner: Partitioner | undefined;
  private timeoutInterval: Duration | undefined;

  /** @param mappingFunction The function `StateSpec.function(f)` was given. */
  private constructor(readonly mappingFunction: MappingFunction<K, V, S, R>) {}

  /**
   * A spec with this mapping function: called for every record of a batch (in order, a key that
   * occurs n times gets n calls, each seeing the state the previous call left) and once for every
   * key that times out (value `undefined`, `state.isTimingOut()` true). Its results, except
   * `undefined`, make the stream.
   */
  static function<K, V, S, R>(mappingFunction: MappingFunction<K, V, S, R>): StateSpec<K, V, S, R> {
    if (typeof mappingFunction !== 'function') {
      throw new DStreamError(
        'DSTREAM_ERR_INVALID_ARGUMENT',
        'requirement failed: StateSpec.function needs a mapping function (key, value, state, time) => result',
      );
    }
    return new StateSpec(mappingFunction);
  }

  /** The state of keys before the first batch (their last update: the first batch's time). */
  initialState(rdd: RDD<Pair<K, S>>): this {
    this.initialStateRDD = rdd;
    return this;
  }

  /** Hash-partitions the state into `numPartitions` (default `spark.default.parallelism`). */
  numPartitions(numPartitions: number): this {
    return this.partitioner(new HashPartitioner(numPartitions));
  }

  /** Places the state's keys with `partitioner`, as Spark's `StateSpec.partitioner`. */
  partitioner(partitioner: Partitioner): this {
    this.statePartitioner = partitioner;
    return this;
  }

  /**
   * Removes keys idle (no record, no update) longer than `idleDuration`. The check runs on the
   * batches at the state's checkpoint interval (10 batches by default), so a key goes between
   * `idleDuration` and `idleDuration` + that interval after its last record.
   */
  timeout(idleDuration: Duration): this {
    this.timeoutInterval = idleDuration;
    return this;
  }

  /** The initial state given with `initialState(rdd)`, if any. */
  getInitialStateRDD(): RDD<Pair<K, S>> | undefined {
    return this.initialStateRDD;
  }

  /** The partitioner given with `partitioner` or `numPartitions`, if any. */
  getPartitioner(): Partitioner | undefined {
    return this.statePartitioner;
  }

  /** The idle timeout given with `timeout(duration)`, if any. */
  getTimeoutInterval(): Duration | undefined {
    return this.timeoutInterval;
  }
}

/**
 * The one `State` object of a partition's batch, re-aimed at each record's key (Spark's
 * `StateImpl`): no allocation per record.
 */
export class StateImpl<S> implements State<S> {
  value: S | undefined = undefined;
  defined = false;
  timingOut = false;
  updated = false;
  removed = false;

  exists(): boolean {
    return this.defined;
  }

  get(): S {
    if (!this.defined) {
      throw new DStreamError(
        'DSTREAM_ERR_STATE_NOT_SET',
        'State is not set: check state.exists() first, or use state.getOption()',
      );
    }
    return this.value as S;
  }

  getOption(): S | undefined {
    return this.defined ? this.value : undefined;
  }

  update(newState: S): void {
    if (this.removed) {
      throw new DStreamError(
        'DSTREAM_ERR_STATE_REMOVED',
        'requirement failed: Cannot update the state after it has been removed (call update() or remove(), not both)',
      );
    }
    if (this.timingOut) {
      throw new DStreamError(
        'DSTREAM_ERR_STATE_TIMING_OUT',
        'requirement failed: Cannot update the state that is timing out (check state.isTimingOut() first)',
      );
    }
    this.value = newState;
    this.defined = true;
    this.updated = true;
  }

  remove(): void {
    if (this.timingOut) {
      throw new DStreamError(
        'DSTREAM_ERR_STATE_TIMING_OUT',
        'requirement failed: Cannot remove the state that is timing out (it is removed after this call; check state.isTimingOut() first)',
      );
    }
    if (this.removed) {
      throw new DStreamError(
        'DSTREAM_ERR_STATE_REMOVED',
        'requirement failed: Cannot remove the state that has already been removed',
      );
    }
    this.value = undefined;
    this.defined = false;
    this.updated = false;
    this.removed = true;
  }

  isTimingOut(): boolean {
    return this.timingOut;
  }

  toString(): string {
    return this.defined ? String(this.value) : '<state not set>';
  }

  /** Aims at a key's state (`defined` false: the key has none). */
  wrap(value: S | undefined, defined: boolean): void {
    this.value = value;
    this.defined = defined;
    this.timingOut = false;
    this.updated = false;
    this.removed = false;
  }

  wrapTimingOut(value: S): void {
    this.value = value;
    this.defined = true;
    this.timingOut = true;
    this.updated = false;
    this.removed = false;
  }
}
