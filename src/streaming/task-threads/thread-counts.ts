import {
  DriverTaskCounts,
  type Task,
  type TaskThreadInfo,
} from '../../rdd/scheduler/task-runner.js';

interface Counts {
  succeeded: number;
  failed: number;
  restarts: number;
}

/** What the runner knows of a thread slot. */
export type SlotState = 'booting' | 'idle' | 'busy' | 'exited';

/**
 * The tasks the driver and each task thread ran, for the web UI's task-thread table and metrics.
 * Threads are counted by index: a thread that died and was replaced keeps its row, as the N of
 * `local[N]` stays N. A few increments per task: nothing per record.
 */
export class ThreadCounts {
  private readonly rows: Counts[] = [];
  private readonly driver = new DriverTaskCounts();
  /** Tasks running on the driver now (its row's status). */
  private runningOnDriver = 0;

  succeeded(index: number): void {
    this.row(index).succeeded++;
  }

  failed(index: number): void {
    this.row(index).failed++;
  }

  /** A new thread took the slot of one that had started and died. */
  restarted(index: number): void {
    this.row(index).restarts++;
  }

  /** Runs a task on the driver, counted in its row. */
  async runOnDriver<U>(task: Task<U>): Promise<U> {
    this.runningOnDriver++;
    try {
      return await this.driver.run(task);
    } finally {
      this.runningOnDriver--;
    }
  }

  /** The driver's row, then one per task thread. */
  info(threads: number, stateOf: (index: number) => SlotState | undefined): TaskThreadInfo[] {
    const rows = [this.driver.info(this.runningOnDriver > 0)];
    for (let i = 0; i < threads; i++) {
      const row = this.row(i);
      const state = stateOf(i);
      rows.push({
        thread: `task-${i}`,
        status: state === undefined || state === 'booting' ? 'starting' : state,
        tasksSucceeded: row.succeeded,
        tasksFailed: row.failed,
        restarts: row.restarts,
      });
    }
    return rows;
  }

  private row(index: number): Counts {
    return (this.rows[index] ??= { succeeded: 0, failed: 0, restarts: 0 });
  }
}
