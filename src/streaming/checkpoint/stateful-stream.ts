import type { Duration } from '../../util/duration.js';
import type { Time } from '../../util/time.js';
import type { GraphStream } from '../graph-stream.js';

/**
 * State as data: the entries a stateful stream holds after a batch, plus whatever else it needs to
 * resume (for example the time each key was last updated, for timeouts). Values must be what the
 * snapshot format supports (numbers, strings, booleans, null, bigint, Date, arrays, plain objects,
 * Map, Set).
 */
export interface StateSnapshot {
  readonly entries: readonly (readonly [unknown, unknown])[];
  readonly meta?: Readonly<Record<string, unknown>>;
}

/**
 * A stream whose state must survive a restart (updateStateByKey, mapWithState, incremental
 * windows). Checkpoints store its state as data under `stateKey`, never as code, so a new version
 * of the application can recover it.
 *
 * How recovery uses it (docs/checkpoint-format.md): after each batch whose time is a multiple of
 * `checkpointDuration` from the zero time has completed (and every earlier batch too), the writer
 * calls `snapshotState(time)` and stores the result. On recovery, after `initialize(zeroTime)`
 * and before any batch runs, it calls `restoreState(t, snapshot)` with the newest snapshot; the
 * batches after `t` are then generated again. So, as Spark's state streams recompute from their
 * last checkpointed RDD: `getOrCompute(t)` must give the restored state itself (never apply
 * batch `t` again), and `getOrCompute(u)` for a later `u` must compute from the restored state
 * through the parent's RDDs of the batches in between — some were completed before the crash
 * and are not re-run as jobs, only recomputed from the input's recorded position. An operator
 * new to the application (or started empty on request) gets `restoreState(t, { entries: [] })`,
 * one checkpointed before its first snapshot `restoreState(zeroTime, { entries: [] })`.
 */
export interface StatefulStream extends GraphStream {
  /**
   * The stable key of this stream's state: the user's `.name(...)`, else derived from the graph.
   * Implement it with `stateKeyOf(this, graph)` from `./state-keys.js`.
   */
  readonly stateKey: string;
  /** How often the state is snapshotted (set at initialize; Spark's defaults). */
  readonly checkpointDuration: Duration | undefined;
  /** The state as of batch `time`, or `undefined` when this stream has none for that time. */
  snapshotState(time: Time): Promise<StateSnapshot | undefined>;
  /** Restores the state as of `time`, before the first batch after recovery runs. */
  restoreState(time: Time, snapshot: StateSnapshot, options?: RestoreOptions): void;
}

/** How recovery asks a stream to restore its state (`getOrCreate`'s `migrate`, `skipShapeCheck`). */
export interface RestoreOptions {
  /**
   * Converts each stored state, with its key, into what the new code keeps, as the state is
   * restored; `undefined` drops the key. An error it throws fails the restore, naming the key.
   */
  readonly migrate?: (state: unknown, key: unknown) => unknown;
  /**
   * Whether the first states the new code stores after the restore are compared with the shape
   * of the restored ones (default true; streams that cannot tell ignore it).
   */
  readonly checkShape?: boolean;
}

export function isStatefulStream(s: GraphStream): s is StatefulStream {
  const c = s as Partial<StatefulStream>;
  return typeof c.snapshotState === 'function' && typeof c.restoreState === 'function';
}
