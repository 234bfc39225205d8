import type { RDD } from '../rdd.js';

/** A unit of work: compute one partition and apply the action's function to it. */
export type Task<U> = (() => U | Promise<U>) & {
  /** What the task computes, for runners that run it elsewhere than in this closure. */
  readonly spec?: TaskSpec;
};

/**
 * A map task of a shuffle: partition `partition` of the map side of dependency `depIndex` of
 * `owner` (the RDD that reads the shuffle), split into buckets.
 */
export interface ShuffleMapTaskSpec {
  readonly kind: 'shuffleMap';
  readonly owner: RDD<unknown>;
  readonly depIndex: number;
  readonly partition: number;
  readonly stageId: number;
}

export type TaskSpec = ShuffleMapTaskSpec;

/**
 * Runs the tasks of one stage. The inline runner runs them on the calling thread one after the
 * other; a worker-thread runner (for `local[N]`) plugs in behind the same interface.
 */
export interface TaskRunner {
  runTasks<U>(tasks: readonly Task<U>[]): Promise<U[]>;
  close(): Promise<void>;
}

/**
 * Runs tasks on the main thread, in partition order, letting the event loop breathe between two
 * tasks so that receivers keep receiving during a long batch.
 */
export class InlineTaskRunner implements TaskRunner {
  async runTasks<U>(tasks: readonly Task<U>[]): Promise<U[]> {
    const results: U[] = [];
    for (let i = 0; i < tasks.length; i++) {
      if (i > 0) await yieldToEventLoop();
      results.push(await tasks[i]!());
    }
    return results;
  }

  async close(): Promise<void> {}
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
