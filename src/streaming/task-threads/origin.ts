// Where an RDD came from: the (stream, batch time) whose `compute` created it, and its place among
// the RDDs that computation created. A task thread that replays the same stream for the same time
// creates the same RDDs in the same order, so this triple names one RDD on both sides without
// sending any code. RDDs created elsewhere (at top level, inside a `foreachRDD` callback) have no
// origin: the scheduler runs their tasks on the driver.
//
// The RDD layer only says which RDDs are created inside a scope (creation-scope.ts); the meaning
// of the scope is given here. The state lives on globalThis so that two copies of dstream loaded
// in one thread share it.
import { withRddCreationScope, type RddCreationScope } from '../../rdd/creation-scope.js';

/** The (stream id, batch time, creation index) that names an RDD across threads. */
export interface RddOrigin {
  readonly streamId: number;
  readonly timeMs: number;
  readonly index: number;
}

interface OriginState {
  readonly tags: WeakMap<object, RddOrigin>;
  /** In task threads only: the RDDs each (stream, time) created, by {@link originKey}. */
  records: Map<string, object[]> | undefined;
}

const STATE = Symbol.for('dstream.rddOrigins');
const holder = globalThis as { [STATE]?: OriginState };
const state: OriginState = (holder[STATE] ??= {
  tags: new WeakMap(),
  records: undefined,
});

/** The key of a (stream, time) pair in maps. */
export function originKey(streamId: number, timeMs: number): string {
  return `${streamId}@${timeMs}`;
}

/** The origin of an RDD, if a stream's computation created it. */
export function originOf(rdd: object): RddOrigin | undefined {
  return state.tags.get(rdd);
}

/** Runs a stream's `compute(time)`, tagging the RDDs it creates (nested streams tag their own). */
export function computeInFrame<R>(streamId: number, timeMs: number, compute: () => R): R {
  const created: object[] = [];
  const frame: RddCreationScope = {
    rddCreated(rdd) {
      state.tags.set(rdd, { streamId, timeMs, index: created.length });
      created.push(rdd);
    },
  };
  try {
    return withRddCreationScope(frame, compute);
  } finally {
    state.records?.set(originKey(streamId, timeMs), created);
  }
}

/** In a task thread: starts keeping what each computation created, to find RDDs by origin. */
export function keepCreationRecords(): void {
  state.records ??= new Map();
}

/** The RDD a task thread created for `origin`, if it has computed that stream for that time. */
export function recordedRdd(origin: RddOrigin): object | undefined {
  return state.records?.get(originKey(origin.streamId, origin.timeMs))?.[origin.index];
}

/** Drops the records of (stream, time) pairs for which `keep` is false. */
export function pruneCreationRecords(keep: (streamId: number, timeMs: number) => boolean): void {
  const records = state.records;
  if (!records) return;
  for (const key of records.keys()) {
    const at = key.indexOf('@');
    if (!keep(Number(key.slice(0, at)), Number(key.slice(at + 1)))) records.delete(key);
  }
}
