import { Worker, type MessagePort } from 'node:worker_threads';
import { systemClock } from '../../util/clock.js';

/** What a task thread receives when it starts (see worker-main.ts). */
export interface WorkerBootData {
  readonly index: number;
  /** The driver's {@link StreamLineageSource.graphSignature}. */
  readonly graphSignature: string;
  /** One Int32 the driver sets (and notifies) when it has posted the answer to a fetch. */
  readonly signal: SharedArrayBuffer;
  readonly replyPort: MessagePort;
}

/**
 * A thread whose entry is the application module, as in `cluster` (its `import.meta.main` and
 * `process.argv` are the driver's), with worker-main.js loaded before it. The driver's Node
 * options go along, unless Node refuses some in a thread (V8 options such as --expose-gc).
 */
export function spawnTaskThread(
  appModule: string,
  argv: readonly string[],
  workerData: WorkerBootData,
  port: MessagePort,
): Worker {
  const preload = ['--import', new URL('./worker-main.js', import.meta.url).href];
  const options = {
    workerData,
    transferList: [port],
    argv: argv.slice(2),
    name: `dstream-task-${workerData.index}`,
  };
  const app = new URL(appModule);
  try {
    return new Worker(app, { ...options, execArgv: [...process.execArgv, ...preload] });
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
    return new Worker(app, { ...options, execArgv: preload });
  }
}

/** How long the driver waits for a thread to exit: one still loading the application may never. */
const TERMINATE_WAIT_MS = 1000;

/**
 * Terminates a thread, resolving when it has exited or after {@link TERMINATE_WAIT_MS}: Node's
 * `terminate()` of a thread still loading its module may never settle, and nothing else would
 * keep the process alive (a `stop()` awaiting it was left unsettled). The timer keeps the process
 * alive meanwhile, and is cleared as soon as the thread exits.
 */
export function terminateTaskThread(worker: Worker): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = systemClock.schedule(systemClock.now() + TERMINATE_WAIT_MS, resolve);
    const done = (): void => {
      timer.cancel();
      resolve();
    };
    worker.once('exit', done);
    worker.terminate().then(done, done);
  });
}
