import { AsyncLocalStorage } from 'node:async_hooks';
import { DStreamError, messageOf } from '../errors.js';
import type { Clock } from '../util/clock.js';
import { Logger } from '../util/logging.js';
import { Time } from '../util/time.js';
import { BatchInfo, OutputOperationInfo, type StreamInputInfo } from './batch-info.js';
import type { Job, JobSet } from './job.js';
import type { StreamingListenerBus } from './listener-bus.js';

const log = new Logger('JobScheduler');

/** What a job that never got a slot returns: the context stopped while it waited. */
const DROPPED = Symbol('dropped');

/**
 * The scheduler's own bookkeeping of a batch (Spark's `JobSet`), changed as the batch runs. Only
 * frozen snapshots of it leave the scheduler: a new `BatchInfo` (or `OutputOperationInfo`) for
 * every listener event, since listeners receive events later, when the batch has moved on.
 */
interface BatchRecord {
  readonly time: Time;
  readonly inputInfos: ReadonlyMap<number, StreamInputInfo>;
  readonly submissionTime: number;
  processingStartTime: number | undefined;
  processingEndTime: number | undefined;
  /** The latest snapshot of each output operation, replaced when the operation starts and ends. */
  readonly ops: Map<number, OutputOperationInfo>;
  /** Jobs of the batch that have not ended (its completion is posted when the last one ends). */
  jobsLeft: number;
}

/** The batch as it is now, frozen (the maps are the snapshot's own). */
function snapshot(batch: BatchRecord): BatchInfo {
  return new BatchInfo(
    batch.time,
    batch.inputInfos,
    batch.submissionTime,
    batch.processingStartTime,
    batch.processingEndTime,
    batch.ops,
  );
}

export interface JobSchedulerHooks {
  /** Called after every job of a batch succeeded (clean old RDDs, write the checkpoint). */
  onBatchCompleted(time: Time): Promise<void>;
  /** Called with every batch failure, wrapped as a `DStreamError` with its batch time. */
  onError(error: DStreamError): void;
  /** Called when every job of a batch has ended, just before `onBatchCompleted` is posted. */
  beforeBatchCompleted?(time: Time): void;
}

/**
 * Runs the jobs of submitted batches, as Spark's JobScheduler: at most `concurrentJobs` at a time
 * (1 by default: batch after batch, job after job, in output-operation order), posting the batch's
 * listener events. A failed job fails its batch; later batches still run.
 */
export class JobScheduler {
  private running = 0;
  /** Jobs waiting for a slot, oldest first; `resume(false)` drops one (the context stopped). */
  private readonly waiting: { batch: BatchRecord; resume: (run: boolean) => void }[] = [];
  private readonly active = new Map<number, Promise<void>>();
  /**
   * Batches of `active` whose jobs all succeeded, now cleaning up and writing their completion
   * checkpoint: no longer pending (Spark removes the batch from its pending set before that).
   */
  private readonly completed = new Set<number>();
  private accepting = true;
  /** The job whose function is running, seen from the code it calls (one store per job). */
  private readonly runningJob = new AsyncLocalStorage<Job>();

  constructor(
    private readonly clock: Clock,
    private readonly bus: StreamingListenerBus,
    private readonly concurrentJobs: number,
    private readonly hooks: JobSchedulerHooks,
  ) {}

  /** Batches submitted and not yet finished. */
  get pendingBatches(): number {
    return this.active.size;
  }

  /**
   * The times of the batches submitted whose jobs have not all succeeded yet (pending, in Spark's
   * checkpoints). A batch stops being pending before its completion checkpoint is written, not
   * after: that write waits in the checkpoint writer's queue, and a checkpoint written meanwhile
   * (the completion of the next batch) must not list it as pending again, or a recovery from that
   * checkpoint would run it a second time.
   */
  pendingTimes(): Time[] {
    return [...this.active.keys()]
      .filter((ms) => !this.completed.has(ms))
      .map((ms) => new Time(ms));
  }

  /** Queues a batch; the promise settles (never rejects) when all its jobs have ended. */
  submitJobSet(jobSet: JobSet): Promise<void> {
    if (!this.accepting) return Promise.resolve();
    const batch: BatchRecord = {
      time: jobSet.time,
      inputInfos: new Map(jobSet.inputInfos),
      submissionTime: this.clock.now(),
      processingStartTime: undefined,
      processingEndTime: undefined,
      ops: new Map(),
      jobsLeft: jobSet.jobs.length,
    };
    for (const job of jobSet.jobs) {
      batch.ops.set(
        job.outputOpId,
        new OutputOperationInfo(
          jobSet.time,
          job.outputOpId,
          job.name,
          job.description,
          undefined,
          undefined,
          undefined,
        ),
      );
    }
    this.bus.post({ type: 'onBatchSubmitted', event: { batchInfo: snapshot(batch) } });
    const done = this.runJobSet(jobSet, batch).finally(() => {
      this.active.delete(jobSet.time.milliseconds);
      this.completed.delete(jobSet.time.milliseconds);
    });
    this.active.set(jobSet.time.milliseconds, done);
    return done;
  }

  /** Resolves when the batches submitted before the call have finished (not those after it). */
  async awaitSubmitted(): Promise<void> {
    await Promise.all(this.active.values());
  }

  /** Resolves when every batch submitted so far has finished. */
  async awaitAll(): Promise<void> {
    while (this.active.size > 0) await Promise.all(this.active.values());
  }

  /** True when called from inside one of this scheduler's jobs (a `foreachRDD` function). */
  get insideJob(): boolean {
    return this.runningJob.getStore() !== undefined;
  }

  /**
   * Stops taking new batches and drops the queued batches that have not started (a graceful stop
   * first waits with `awaitAll`); the running ones finish.
   */
  stopAccepting(): void {
    this.accepting = false;
    for (let i = 0; i < this.waiting.length;) {
      const w = this.waiting[i]!;
      if (w.batch.processingStartTime !== undefined) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      w.resume(false);
    }
  }

  private async runJobSet(jobSet: JobSet, batch: BatchRecord): Promise<void> {
    let failure: DStreamError | undefined;
    await Promise.all(
      jobSet.jobs.map(async (job) => {
        const error = await this.withSlot(batch, () => this.runJob(job, batch));
        if (error !== DROPPED) failure ??= error;
      }),
    );
    if (batch.processingStartTime === undefined) {
      log.info(`Dropped the jobs of time ${jobSet.time}: the context stopped before they started`);
      return;
    }
    const info = snapshot(batch);
    if (failure && !this.accepting && causedByStop(failure)) {
      // The stop cut the batch short: not an application error. It stays pending (a recovery
      // from a checkpoint runs it again), as a batch whose jobs failed does.
      log.warn(
        `The batch of time ${jobSet.time} did not complete: the context stopped while it ran`,
      );
      return;
    }
    if (failure) {
      this.hooks.onError(failure);
      return;
    }
    const total = (info.totalDelay ?? 0) / 1000;
    const exec = (info.processingDelay ?? 0) / 1000;
    log.info(
      `Total delay: ${total.toFixed(3)} s for time ${jobSet.time} (execution: ${exec.toFixed(3)} s)`,
    );
    this.completed.add(jobSet.time.milliseconds);
    try {
      await this.hooks.onBatchCompleted(jobSet.time);
    } catch (e) {
      this.hooks.onError(asBatchError(e, jobSet.time));
    }
  }

  private async runJob(job: Job, batch: BatchRecord): Promise<DStreamError | undefined> {
    const op = batch.ops.get(job.outputOpId)!;
    const now = this.clock.now();
    if (batch.processingStartTime === undefined) {
      batch.processingStartTime = now;
      this.bus.post({ type: 'onBatchStarted', event: { batchInfo: snapshot(batch) } });
    }
    const started = withTimes(op, now, undefined, undefined);
    batch.ops.set(op.id, started);
    this.bus.post({ type: 'onOutputOperationStarted', event: { outputOperationInfo: started } });
    let error: DStreamError | undefined;
    try {
      await this.runningJob.run(job, () => job.run());
    } catch (e) {
      error = asBatchError(e, job.time);
      log.error(`Error running job ${job.id}`, e);
    }
    const failureReason = error === undefined ? undefined : (error.stack ?? error.message);
    const ended = withTimes(op, now, this.clock.now(), failureReason);
    batch.ops.set(op.id, ended);
    this.bus.post({ type: 'onOutputOperationCompleted', event: { outputOperationInfo: ended } });
    // Posted before this job's slot passes on, as Spark's job thread reports a job's end before
    // it takes the next: with one slot, a batch completes before the next one starts.
    if (--batch.jobsLeft === 0) {
      batch.processingEndTime = this.clock.now();
      this.hooks.beforeBatchCompleted?.(batch.time);
      this.bus.post({ type: 'onBatchCompleted', event: { batchInfo: snapshot(batch) } });
    }
    return error;
  }

  private async withSlot<R>(batch: BatchRecord, f: () => Promise<R>): Promise<R | typeof DROPPED> {
    // A freed slot passes straight to the longest waiter, so jobs start in submission order.
    if (this.running >= this.concurrentJobs) {
      const run = await new Promise<boolean>((resume) => this.waiting.push({ batch, resume }));
      if (!run) return DROPPED;
    } else {
      this.running++;
    }
    try {
      return await f();
    } finally {
      const next = this.waiting.shift();
      if (next) next.resume(true);
      else this.running--;
    }
  }
}

/** A new snapshot of an output operation with these times and failure. */
function withTimes(
  op: OutputOperationInfo,
  startTime: number,
  endTime: number | undefined,
  failureReason: string | undefined,
): OutputOperationInfo {
  return new OutputOperationInfo(
    op.batchTime,
    op.id,
    op.name,
    op.description,
    startTime,
    endTime,
    failureReason,
  );
}

/** Whether an error, or one of its causes, says the context (or its SparkContext) stopped. */
function causedByStop(e: unknown): boolean {
  for (let c = e, depth = 0; c instanceof Error && depth < 8; c = c.cause, depth++) {
    if (c instanceof DStreamError && c.code === 'DSTREAM_ERR_CONTEXT_STOPPED') return true;
  }
  return false;
}

/**
 * The error a failing batch reports: dstream's own errors keep their code and gain the batch time;
 * anything a user function threw becomes the `cause` of a `DSTREAM_ERR_BATCH_FAILED`.
 */
export function asBatchError(e: unknown, time: Time): DStreamError {
  if (e instanceof DStreamError) {
    e.batchTime ??= time;
    return e;
  }
  return new DStreamError('DSTREAM_ERR_BATCH_FAILED', `Batch ${time} failed: ${messageOf(e)}`, {
    cause: e,
    batchTime: time,
  });
}
