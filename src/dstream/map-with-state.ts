import type { RDD } from '../rdd/index.js';
import type { Duration } from '../util/duration.js';
import type { Time } from '../util/time.js';
import { attachOperations, type Implementation } from '../util/attach.js';
import type { Pair, Widen } from '../util/types.js';
import { DStream } from './dstream.js';
import {
  InternalMapWithStateDStream,
  MappedDataRDD,
  StateSnapshotRDD,
  type MapWithStateRDD,
} from './map-with-state-internals.js';
import type { StateSpec } from './state-spec.js';
import { widenValues } from './widen.js';

/** `mapWithState`, on streams of pairs. */
export interface MapWithStateOperations {
  /**
   * A state per key, kept across batches and updated record by record, like Spark's
   * `mapWithState`: the spec's function is called for every record of a batch (never for keys
   * without records, except once when they time out), and what it returns, except `undefined`,
   * makes the returned stream. `stateSnapshots()` on it gives every `[key, state]` after each
   * batch. Keys are compared by value.
   *
   * Needs `ssc.checkpoint(dir)`; the state is snapshotted every checkpoint interval (by default
   * ten batches), which is also when idle keys time out.
   *
   * @example
   * ```ts
   * const spec = StateSpec.function(
   *   (word: string, one: number | undefined, state: State<number>) => {
   *     const sum = (one ?? 0) + (state.getOption() ?? 0);
   *     state.update(sum);
   *     return [word, sum] as const;
   *   },
   * );
   * const running = words.map((w) => [w, 1] as const).mapWithState(spec);
   * running.stateSnapshots().print();
   * ```
   */
  mapWithState<K, V, S, R>(
    this: DStream<Pair<K, V>>,
    spec: StateSpec<K, Widen<V>, S, R>,
  ): MapWithStateDStream<K, Widen<V>, S, R>;
}

declare module './dstream.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars -- DStream gets MapWithStateOperations' members; T merges with the class's own
  interface DStream<T> extends MapWithStateOperations {}
}

const mapWithStateOperations: Implementation<MapWithStateOperations, DStream<unknown>> = {
  mapWithState(spec) {
    return new MapWithStateDStream(widenValues(this), spec);
  },
};

attachOperations(DStream.prototype, mapWithStateOperations);

/**
 * The stream `mapWithState` returns, like Spark's `MapWithStateDStream`: the mapping function's
 * results of each batch, and the state itself through `stateSnapshots()`. Its `checkpoint(interval)`
 * and `name(name)` apply to the state.
 */
export class MapWithStateDStream<K, V, S, R> extends DStream<R> {
  private readonly internal: InternalMapWithStateDStream<K, V, S, R>;

  constructor(parent: DStream<Pair<K, V>>, spec: StateSpec<K, V, S, R>) {
    super(parent.ssc);
    this.internal = new InternalMapWithStateDStream(parent, spec);
  }

  get slideDuration(): Duration {
    return this.internal.slideDuration;
  }

  get dependencies(): readonly DStream<unknown>[] {
    return [this.internal];
  }

  compute(time: Time): RDD<R> | undefined {
    const rdd = this.internal.getOrCompute(time) as MapWithStateRDD<K, V, S, R> | undefined;
    return rdd && new MappedDataRDD(rdd);
  }

  /** Every `[key, state]` after each batch. */
  stateSnapshots(): DStream<Pair<K, S>> {
    return new StateSnapshotsDStream(this.internal);
  }

  /** Snapshots the state every `interval` (and looks for timeouts then). */
  override checkpoint(interval: Duration): this {
    this.internal.checkpoint(interval);
    return this;
  }

  /** Names the state in checkpoints, so that a new version of the application finds it. */
  override name(name: string): this {
    super.name(name);
    this.internal.name(name);
    return this;
  }
}

class StateSnapshotsDStream<K, V, S, R> extends DStream<Pair<K, S>> {
  constructor(private readonly internal: InternalMapWithStateDStream<K, V, S, R>) {
    super(internal.ssc);
  }

  get slideDuration(): Duration {
    return this.internal.slideDuration;
  }

  get dependencies(): readonly DStream<unknown>[] {
    return [this.internal];
  }

  compute(time: Time): RDD<Pair<K, S>> | undefined {
    const rdd = this.internal.getOrCompute(time) as MapWithStateRDD<K, V, S, R> | undefined;
    return rdd && new StateSnapshotRDD(rdd);
  }
}
