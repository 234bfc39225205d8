// Accumulator updates per task attempt, as Spark's executors keep them: while a task runs, `add`
// on a registered accumulator goes to a copy of it that belongs to this attempt (found through an
// AsyncLocalStorage, so concurrent and asynchronous tasks keep theirs apart). The driver merges
// the copies when the attempt succeeds; a failed attempt's copies are dropped, so a task that runs
// again counts once.
import { AsyncLocalStorage } from 'node:async_hooks';

/** What an accumulator must offer to be copied per task and merged back (AccumulatorV2). */
export interface TaskAccumulable {
  /** The id the SparkContext registered it under. */
  readonly id: number;
  /** A zero copy of the same kind, for one task attempt's updates. */
  copyAndReset(): TaskAccumulable;
  /** Adds the updates `other` holds. */
  merge(other: TaskAccumulable): void;
}

/** An accumulator's updates in one task attempt, as plain data that can cross threads. */
export interface AccumulatorUpdate {
  readonly id: number;
  /** The enumerable fields of the attempt's copy (its sum, its list...). */
  readonly state: Record<string, unknown>;
}

/**
 * A use that a task thread cannot pair with the driver's (an accumulator or broadcast variable
 * the thread created itself while it replayed a stream): the task runs on the driver instead.
 */
export class RunOnDriver extends Error {}

/** The copies of the accumulators one task attempt has updated. */
export class TaskUpdates {
  private readonly copies = new Map<TaskAccumulable, TaskAccumulable>();

  /** This attempt's copy of `acc` (made on first use). */
  copyOf(acc: TaskAccumulable): TaskAccumulable {
    let copy = this.copies.get(acc);
    if (copy === undefined) this.copies.set(acc, (copy = acc.copyAndReset()));
    return copy;
  }

  /** Merges every copy into its accumulator (on the thread that owns the accumulators). */
  mergeInto(): void {
    for (const [acc, copy] of this.copies) acc.merge(copy);
  }

  /** The updates as plain data, for a task thread to send to the driver with its result. */
  toTransfer(): AccumulatorUpdate[] {
    const out: AccumulatorUpdate[] = [];
    for (const [acc, copy] of this.copies) out.push({ id: acc.id, state: { ...copy } });
    return out;
  }
}

const STORE = Symbol.for('dstream.taskUpdates');
const holder = globalThis as { [STORE]?: AsyncLocalStorage<TaskUpdates> };
const storage = (holder[STORE] ??= new AsyncLocalStorage<TaskUpdates>());

/** The updates of the task attempt running now, if any. */
export function currentTaskUpdates(): TaskUpdates | undefined {
  return storage.getStore();
}

/** Runs one task attempt with `updates` collecting what it adds to accumulators. */
export function runCollectingUpdates<R>(updates: TaskUpdates, attempt: () => R): R {
  return storage.run(updates, attempt);
}

/**
 * Runs one task attempt on the thread that owns the accumulators: its updates are merged when it
 * succeeds (when its promise resolves, for an asynchronous one) and dropped when it fails.
 */
export function runCountingUpdates<R>(attempt: () => R | Promise<R>): R | Promise<R> {
  const updates = new TaskUpdates();
  const result = runCollectingUpdates(updates, attempt);
  if (result instanceof Promise) {
    return result.then((r) => {
      updates.mergeInto();
      return r;
    });
  }
  updates.mergeInto();
  return result;
}
