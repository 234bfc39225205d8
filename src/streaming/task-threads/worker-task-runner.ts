import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { DStreamError, messageOf } from '../../errors.js';
import { systemClock, type Cancellable } from '../../util/clock.js';
import { Logger } from '../../util/logging.js';
import type { Task, TaskRunner, TaskThreadInfo } from '../../rdd/scheduler/task-runner.js';
import type { ShuffleBucket } from '../../rdd/shuffle/shuffle-dependency.js';
import { serveFetch, type FetchingTask } from './driver-blocks.js';
import { lostTaskOutcome } from './lost-task.js';
import { ThreadCounts, type SlotState } from './thread-counts.js';
import { spawnTaskThread, terminateTaskThread, type WorkerBootData } from './task-thread.js';
import { planMapStage, stageKind, type MapStagePlan, type StreamLineageSource } from './lineage.js';
import { deserializeError, type FromWorker, type MapTaskMessage } from './protocol.js';

const log = new Logger('WorkerTaskRunner');

/** Deaths of started threads tolerated per thread, before the runner gives up replacing them. */
const MAX_DEATHS_PER_THREAD = 3;

export interface WorkerTaskRunnerOptions {
  /** How many task threads (the N of `local[N]`). */
  threads: number;
  /** The module every task thread imports: the application (a file URL). */
  appModule: string;
  /** The driver's `process.argv`, which the application sees in every thread too. */
  argv: readonly string[];
  /** Lost attempts after which a task whose thread died fails (`spark.task.maxFailures`, 4). */
  maxFailures?: number;
}

interface RemoteTask extends FetchingTask {
  /** Earlier attempts of this task lost with their thread. */
  readonly lost: number;
  resolve(buckets: ShuffleBucket[]): void;
  reject(error: unknown): void;
  /** Runs the task on the driver instead (the thread could not replay it). */
  runHere(): void;
}

interface Slot {
  readonly index: number;
  readonly worker: Worker;
  readonly signal: Int32Array;
  readonly replies: MessagePort;
  state: SlotState;
  current: RemoteTask | undefined;
}

/**
 * Runs tasks on N worker threads, as Spark runs them on an executor's cores (`local[N]`). Every
 * thread imports the application module, which builds the same DStream graph there (its
 * `StreamingContext.start()` serves tasks instead of starting batches). A map task of a shuffle
 * whose reading RDD a stream created is sent as (stream id, batch time, creation index): the
 * thread replays that stream's computation for that time, reads the input batches from the driver
 * one partition per message, combines on the map side and sends back one array pair per reduce
 * partition. Every other task (result stages, RDDs built in `foreachRDD` callbacks) runs on the
 * driver as with {@link InlineTaskRunner}.
 */
export class WorkerTaskRunner implements TaskRunner {
  private readonly slots: (Slot | undefined)[] = [];
  private readonly pending: RemoteTask[] = [];
  private source: StreamLineageSource | undefined;
  private nextTaskId = 0;
  private bootError: Error | undefined;
  private closed = false;
  private readonly reported = new Set<string>();
  /** Stages (by {@link stageKind}) that task threads could not run: they run on the driver. */
  private readonly driverOnly = new Set<string>();
  /** Threads that died after they had started: a few are replaced, an endless series is not. */
  private deaths = 0;
  /** Called when a thread becomes ready or could not start, while `start()` waits. */
  private onReady: ((error?: Error) => void) | undefined;
  private readonly counts = new ThreadCounts();

  constructor(private readonly options: WorkerTaskRunnerOptions) {}

  get threads(): number {
    return this.options.threads;
  }

  /** Lets the runner see the stream graph (done by the StreamingContext that created it). */
  attach(source: StreamLineageSource): void {
    this.source = source;
  }

  /**
   * Starts the task threads (each is ready once it has loaded the application and registered its
   * graph, about 0.2 s; map tasks wait for it meanwhile). With `minReadyRatio` > 0 (Spark's
   * `spark.scheduler.minRegisteredResourcesRatio`), resolves once that share of the threads is
   * ready or `maxWaitMs` has passed, and rejects (`DSTREAM_ERR_WORKER_FAILED`) when a thread
   * could not load the application.
   */
  async start(minReadyRatio = 0, maxWaitMs = 30_000): Promise<void> {
    this.spawnMissing();
    if (minReadyRatio <= 0) return;
    const needed = Math.min(this.options.threads, Math.ceil(minReadyRatio * this.options.threads));
    let timer: Cancellable | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        this.onReady = (error) => {
          if (error) reject(error);
          else if (this.readyThreads() >= needed) resolve();
        };
        timer = systemClock.schedule(systemClock.now() + maxWaitMs, resolve);
        this.onReady();
        this.pump(); // a thread may have failed already
      });
    } finally {
      timer?.cancel();
      this.onReady = undefined;
    }
  }

  private readyThreads(): number {
    return this.slots.filter((s) => s?.state === 'idle' || s?.state === 'busy').length;
  }

  async runTasks<U>(tasks: readonly Task<U>[]): Promise<U[]> {
    const results = new Array<U>(tasks.length);
    const remote: Promise<void>[] = [];
    const here: number[] = [];
    const plans = new Map<string, MapStagePlan | string>();
    tasks.forEach((task, i) => {
      const spec = task.spec;
      const source = this.source;
      // A map task waits for a thread that is still starting rather than running here: run here,
      // a long first batch would hold the event loop (and its receivers) for all its length.
      if (!spec || !source || this.closed) {
        here.push(i);
        return;
      }
      const key = `${spec.owner.id}:${spec.depIndex}`;
      let plan = plans.get(key);
      if (plan === undefined) {
        plan = planMapStage(spec, source);
        if (typeof plan !== 'string' && this.driverOnly.has(stageKind(plan))) {
          plan = 'task threads could not run this stage in an earlier batch';
        }
        plans.set(key, plan);
        if (typeof plan === 'string') this.explainOnce(plan);
      }
      if (typeof plan === 'string') {
        here.push(i);
        return;
      }
      const message: MapTaskMessage = {
        type: 'mapTask',
        taskId: this.nextTaskId++,
        zeroTimeMs: plan.zeroTimeMs,
        target: plan.target,
        mapPartitions: plan.mapPartitions,
        partition: spec.partition,
        stageId: spec.stageId,
        provided: plan.provided,
        shipped: plan.shipped,
        shuffles: plan.shuffles,
        shape: plan.shape,
      };
      remote.push(
        new Promise<ShuffleBucket[]>((resolve, reject) => {
          this.pending.push({
            lost: 0,
            message,
            plan,
            context: spec.owner.context,
            open: new Map(),
            resolve,
            reject,
            runHere: () => {
              this.counts.runOnDriver(task).then((r) => resolve(r as ShuffleBucket[]), reject);
            },
          });
          this.pump();
        }).then((buckets) => {
          results[i] = buckets as U;
        }),
      );
    });
    const remoteDone = Promise.all(remote);
    remoteDone.catch(() => undefined); // awaited below; a failure on the driver may come first
    for (let k = 0; k < here.length; k++) {
      if (k > 0) await yieldToEventLoop();
      const i = here[k]!;
      results[i] = await this.counts.runOnDriver(tasks[i]!);
    }
    await remoteDone;
    return results;
  }

  /** Every live thread forgets its copy of broadcast `id` (it fetches it again if it needs it). */
  dropBroadcast(id: number): void {
    for (const slot of this.slots) {
      if (slot && slot.state !== 'exited') slot.worker.postMessage({ type: 'dropBroadcast', id });
    }
  }

  /** The driver's row, then one per task thread (for the web UI). */
  threadInfo(): readonly TaskThreadInfo[] {
    return this.counts.info(this.options.threads, (i) => this.slots[i]?.state);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const stopped = new DStreamError(
      'DSTREAM_ERR_CONTEXT_STOPPED',
      'Task threads stopped: the context was stopped while tasks were running',
    );
    for (const t of this.pending.splice(0)) t.reject(stopped);
    this.onReady?.(stopped);
    const exits: Promise<unknown>[] = [];
    for (const slot of this.slots) {
      if (!slot) continue;
      slot.current?.reject(stopped);
      slot.current = undefined;
      if (slot.state !== 'exited') exits.push(terminateTaskThread(slot.worker));
      slot.replies.close();
    }
    await Promise.all(exits);
  }

  // ------------------------------------------------------------------ threads

  /** Starts a thread in every empty slot (not after one failed to load the application). */
  private spawnMissing(): void {
    if (this.closed || this.bootError) return;
    for (let i = 0; i < this.options.threads; i++) this.slotAt(i);
  }

  private slotAt(index: number): Slot {
    const existing = this.slots[index];
    if (existing && existing.state !== 'exited') return existing;
    const signal = new SharedArrayBuffer(4);
    const { port1, port2 } = new MessageChannel();
    const data: WorkerBootData = {
      index,
      graphSignature: this.source?.graphSignature() ?? '',
      signal,
      replyPort: port2,
    };
    const worker = spawnTaskThread(this.options.appModule, this.options.argv, data, port2);
    const slot: Slot = {
      index,
      worker,
      signal: new Int32Array(signal),
      replies: port1,
      state: 'booting',
      current: undefined,
    };
    this.slots[index] = slot;
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    worker.on('error', (e: Error) => this.onExit(slot, e));
    worker.on('exit', (code) => this.onExit(slot, code));
    this.updateRefs();
    return slot;
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    switch (m.type) {
      case 'fetchBroadcast':
        log.debug(`Sending Broadcast(${m.id}) to task thread ${slot.index}`);
        serveFetch(slot.current, slot.replies, slot.signal, m);
        return;
      case 'fetchPartition':
      case 'fetchChunk':
      case 'fetchShuffle':
        serveFetch(slot.current, slot.replies, slot.signal, m);
        return;
      case 'ready':
        log.debug(`Task thread ${slot.index} ready`);
        slot.state = 'idle';
        this.onReady?.();
        break;
      case 'bootFailed':
        this.bootError = deserializeError(m.error);
        log.error(`Task thread ${slot.index} could not load the application`, this.bootError);
        break;
      case 'done': {
        this.counts.succeeded(slot.index);
        const task = this.finish(slot);
        // The task succeeded: its accumulator updates count, once (a lost attempt sent none).
        try {
          task?.context.mergeAccumulatorUpdates(m.accumulators);
          task?.resolve(m.buckets);
        } catch (e) {
          task?.reject(e);
        }
        break;
      }
      case 'failed':
        this.counts.failed(slot.index);
        this.finish(slot)?.reject(deserializeError(m.error));
        break;
      case 'mismatch': {
        const task = this.finish(slot);
        this.explainOnce(`a task thread could not run a stage: ${m.reason}`);
        if (task) this.driverOnly.add(stageKind(task.plan));
        task?.runHere();
        break;
      }
    }
    this.pump();
  }

  private finish(slot: Slot): RemoteTask | undefined {
    const task = slot.current;
    slot.current = undefined;
    if (slot.state === 'busy') slot.state = 'idle';
    return task;
  }

  private onExit(slot: Slot, reason: Error | number): void {
    if (slot.state === 'exited') return;
    const wasBooting = slot.state === 'booting';
    slot.state = 'exited';
    slot.replies.close();
    if (this.closed) return;
    const why = typeof reason === 'number' ? `exited with code ${reason}` : messageOf(reason);
    const task = slot.current;
    slot.current = undefined;
    if (task) this.taskLost(task, slot, why, reason);
    if (wasBooting) {
      this.bootError ??=
        typeof reason === 'number'
          ? new Error(`task thread ${slot.index} ${why} before the application started its context`)
          : reason;
    } else if (++this.deaths > MAX_DEATHS_PER_THREAD * this.options.threads) {
      this.bootError = new Error(`task threads keep dying (the last one: ${why})`);
      log.error(`Task thread ${slot.index} ${why}; not starting another one`);
    } else {
      log.warn(`Task thread ${slot.index} ${why}; starting a new one`);
      this.counts.restarted(slot.index);
      this.spawnMissing();
    }
    this.pump();
  }

  /**
   * A task whose thread died runs again on a live thread, first in line (lost-task.ts): a map
   * task hands its buckets over only when done, so the lost attempt left nothing behind.
   */
  private taskLost(task: RemoteTask, slot: Slot, why: string, reason: Error | number): void {
    const { stageId, partition } = task.message;
    this.counts.failed(slot.index);
    const lost = task.lost + 1;
    const cause = typeof reason === 'number' ? undefined : reason;
    const where = { thread: slot.index, partition, stageId };
    const outcome = lostTaskOutcome(where, why, cause, lost, this.options.maxFailures);
    if (!outcome.retry) return task.reject(outcome.error);
    log.warn(outcome.warning);
    const message = { ...task.message, taskId: this.nextTaskId++ };
    this.pending.unshift({ ...task, lost, message, open: new Map() });
  }

  /** Hands pending tasks to idle threads; fails them all if no thread could start. */
  private pump(): void {
    if (this.bootError) {
      const error = new DStreamError(
        'DSTREAM_ERR_WORKER_FAILED',
        `Task threads could not load the application ${this.options.appModule}: ${this.bootError.message}. ` +
          'Every task thread runs the top-level code of the module: guard what only the driver may do ' +
          'with isDriver() or onDriver(), and start the StreamingContext in every thread',
        { cause: this.bootError },
      );
      this.onReady?.(error);
      if (!this.slots.some((s) => s && s.state !== 'exited')) {
        for (const t of this.pending.splice(0)) t.reject(error);
      }
    }
    if (this.pending.length > 0) this.spawnMissing();
    for (const slot of this.slots) {
      if (this.pending.length === 0) break;
      if (!slot || slot.state !== 'idle') continue;
      const task = this.pending.shift()!;
      slot.state = 'busy';
      slot.current = task;
      slot.worker.postMessage(task.message);
    }
    this.updateRefs();
  }

  /** Threads keep the process alive only while they start or there is work for them. */
  private updateRefs(): void {
    const busy = this.pending.length > 0 || this.slots.some((s) => s?.state === 'busy');
    for (const slot of this.slots) {
      if (!slot || slot.state === 'exited') continue;
      if (busy || slot.state === 'booting') slot.worker.ref();
      else slot.worker.unref();
    }
  }

  private explainOnce(reason: string): void {
    if (this.reported.has(reason)) return;
    if (this.reported.size > 1000) this.reported.clear();
    this.reported.add(reason);
    log.debug(`Running a stage on the driver: ${reason}`);
  }
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
