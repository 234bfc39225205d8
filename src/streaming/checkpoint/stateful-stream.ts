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
 */
export interface StatefulStream extends GraphStream {
  /** The stable key of this stream's state: the user's `.name(...)`, else derived from the graph. */
  readonly stateKey: string;
  /** How often the state is snapshotted (set at initialize; Spark's defaults). */
  readonly checkpointDuration: Duration | undefined;
  /** The state as of batch `time`, or `undefined` when this stream has none for that time. */
  snapshotState(time: Time): Promise<StateSnapshot | undefined>;
  /** Restores the state as of `time`, before the first batch after recovery runs. */
  restoreState(time: Time, snapshot: StateSnapshot): void;
}

export function isStatefulStream(s: GraphStream): s is StatefulStream {
  const c = s as Partial<StatefulStream>;
  return typeof c.snapshotState === 'function' && typeof c.restoreState === 'function';
}
