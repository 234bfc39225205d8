import { Worker, type MessagePort } from 'node:worker_threads';

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
