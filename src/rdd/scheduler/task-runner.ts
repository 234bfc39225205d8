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
 * A thread that runs tasks, as the web UI lists it (dstream beyond Spark, whose executors page
 * shows the same counts per executor): `driver` is the main thread, `task-0`... the task threads
 * of `local[N]`. Counts are totals since the context started; a task thread that died and was
 * replaced keeps its row (`restarts` says how often).
 */
export interface TaskThreadInfo {
  /** `driver`, or `task-0`, `task-1`... for the task threads. */
  readonly thread: string;
  /** `starting` (loading the application), `idle`, `busy` (running a task) or `exited`. */
  readonly status: 'starting' | 'idle' | 'busy' | 'exited';
  /** Task attempts that succeeded. */
  readonly tasksSucceeded: number;
  /** Attempts that threw, and attempts lost with a thread that died. */
  readonly tasksFailed: number;
  /** How often the thread died and was replaced. */
  readonly restarts: number;
}

/**
 * Runs the tasks of one stage. The inline runner runs them on the calling thread one after the
 * other; a worker-thread runner (for `local[N]`) plugs in behind the same interface.
 */
export interface TaskRunner {
  runTasks<U>(tasks: readonly Task<U>[]): Promise<U[]>;
  close(): Promise<void>;
  /** The threads that run tasks, with their counts so far (for the web UI). */
  threadInfo?(): readonly TaskThreadInfo[];
  /** Tells the threads to drop their copy of broadcast `id` (unpersisted or destroyed). */
  dropBroadcast?(id: number): void;
}

/** Tasks run on the main thread, counted (a runner's `driver` row). */
export class DriverTaskCounts {
  succeeded = 0;
  failed = 0;

  /** Runs `task`, counting how it ended. */
  async run<U>(task: Task<U>): Promise<U> {
    try {
      const result = await task();
      this.succeeded++;
      return result;
    } catch (e) {
      this.failed++;
      throw e;
    }
  }

  info(busy: boolean): TaskThreadInfo {
    return {
      thread: 'driver',
      status: busy ? 'busy' : 'idle',
      tasksSucceeded: this.succeeded,
      tasksFailed: this.failed,
      restarts: 0,
    };
  }
}

/**
 * Runs tasks on the main thread, in partition order, letting the event loop breathe between two
 * tasks so that receivers keep receiving during a long batch.
 */
export class InlineTaskRunner implements TaskRunner {
  private readonly counts = new DriverTaskCounts();
  private running = 0;

  async runTasks<U>(tasks: readonly Task<U>[]): Promise<U[]> {
    const results: U[] = [];
    this.running++;
    try {
      for (let i = 0; i < tasks.length; i++) {
        if (i > 0) await yieldToEventLoop();
        results.push(await this.counts.run(tasks[i]!));
      }
    } finally {
      this.running--;
    }
    return results;
  }

  async close(): Promise<void> {}

  threadInfo(): readonly TaskThreadInfo[] {
    return [this.counts.info(this.running > 0)];
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
