// Which role this thread plays. With `local[N]` (N > 1) every task thread loads the application
// module again, as Node's `cluster` runs the same script in every process: the same code runs on
// the driver and in each worker, and these helpers tell them apart. The flag lives on globalThis so
// that two copies of dstream loaded in one thread agree on it.
const WORKER_ROLE = Symbol.for('dstream.workerRole');

type RoleHolder = { [WORKER_ROLE]?: { index: number } };

/**
 * True on the driver: the thread that runs the StreamingContext (generates batches, runs output
 * operations). False in the task threads of `local[N]`, which also load the application module.
 *
 * @example
 * ```ts
 * import { isDriver } from 'dstream';
 * const seedDatabase = async () => {};
 * if (isDriver()) await seedDatabase(); // top-level side effects run in every thread otherwise
 * ```
 */
export function isDriver(): boolean {
  return (globalThis as RoleHolder)[WORKER_ROLE] === undefined;
}

/**
 * Runs `fn` only on the driver (returns its result there, `undefined` in task threads): the guard
 * for top-level side effects of an application run with `local[N]`, as `if __name__ ==
 * '__main__':` is for Python's multiprocessing.
 *
 * @example
 * ```ts
 * import { onDriver } from 'dstream';
 * onDriver(() => console.log('starting')); // printed once, not once per thread
 * ```
 */
export function onDriver<T>(fn: () => T): T | undefined {
  return isDriver() ? fn() : undefined;
}

/** The index (0, 1...) of this task thread, or `undefined` on the driver. */
export function workerIndex(): number | undefined {
  return (globalThis as RoleHolder)[WORKER_ROLE]?.index;
}

/** Marks this thread as task thread `index` (called by the worker entry before the app loads). */
export function markWorkerThread(index: number): void {
  (globalThis as RoleHolder)[WORKER_ROLE] = { index };
}
