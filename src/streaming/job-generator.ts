import type { Clock } from '../util/clock.js';
import type { Duration } from '../util/duration.js';
import { Logger } from '../util/logging.js';
import { Time } from '../util/time.js';
import type { DStreamGraph } from './dstream-graph.js';
import type { InputInfoTracker } from './input-info-tracker.js';
import { asBatchError, type JobScheduler } from './job-scheduler.js';
import type { DStreamError } from '../errors.js';
import { RecurringTimer } from './recurring-timer.js';

const log = new Logger('JobGenerator');

/** Writes checkpoints at the two moments of a batch where Spark writes them. */
export interface BatchCheckpointer {
  /** After the batch at `time` is generated; `jobs` = 0: it has nothing to run (done already). */
  afterGeneration(time: Time, jobs: number): Promise<void>;
  afterCompletion(time: Time): Promise<void>;
  /** When the context stops, after its batches have finished or been given up. */
  atStop(): Promise<void>;
}

export interface JobGeneratorOptions {
  clock: Clock;
  graph: DStreamGraph;
  scheduler: JobScheduler;
  inputInfo: InputInfoTracker;
  onError(error: DStreamError): void;
}

/**
 * Generates the jobs of each batch, as Spark's JobGenerator: a timer ticks at every multiple of
 * the batch interval; each tick asks the input streams to prepare the batch, computes the RDD of
 * every output stream, and hands the jobs to the scheduler. Generation is strictly one batch after
 * another; running the jobs is the scheduler's business.
 */
export class JobGenerator {
  private readonly timer: RecurringTimer;
  private generation: Promise<unknown> = Promise.resolve();
  private lastGenerated: Time | undefined;
  /** A graceful stop gave up waiting: generation still under way submits nothing. */
  private abandoned = false;
  checkpointer: BatchCheckpointer | undefined;

  constructor(private readonly o: JobGeneratorOptions) {
    this.timer = new RecurringTimer(o.clock, o.graph.batchDuration.milliseconds, (ms) =>
      this.generateBatch(new Time(ms)),
    );
  }

  get batchDuration(): Duration {
    return this.o.graph.batchDuration;
  }

  /** The time batches count from: one interval before the first tick. */
  firstZeroTime(): Time {
    return new Time(this.timer.startTime() - this.batchDuration.milliseconds);
  }

  /** Starts ticking at the first batch time after `zeroTime`. */
  start(zeroTime: Time): void {
    this.timer.start(zeroTime.milliseconds + this.batchDuration.milliseconds);
  }

  /** Starts ticking at `time` (after recovery, the grid point after now). */
  startAt(time: Time): void {
    this.timer.start(time.milliseconds);
  }

  /** The first point of the batch grid of `zeroTime` strictly after the clock's now. */
  nextGridTime(zeroTime: Time): Time {
    const b = this.batchDuration.milliseconds;
    const now = this.o.clock.now();
    const k = Math.floor((now - zeroTime.milliseconds) / b) + 1;
    return new Time(zeroTime.milliseconds + Math.max(1, k) * b);
  }

  /**
   * Generates the batch at `time` after any earlier one; the promise resolves when the batch has
   * run and its checkpoint is written (the manual clock waits for it, the system clock does not).
   */
  generateBatch(time: Time): Promise<void> {
    const generated = this.generation.then(() => this.generate(time));
    this.generation = generated.catch(() => undefined);
    return generated.then((batch) => batch.completion);
  }

  /**
   * Generates one batch. The completion comes back wrapped: a promise returned as such would be
   * adopted, and the next batch's generation (chained on this one) would wait for this batch's
   * jobs, hiding the scheduling delay that backpressure and the listeners must see.
   */
  private async generate(time: Time): Promise<{ readonly completion: Promise<void> }> {
    const { graph, scheduler, inputInfo } = this.o;
    let jobs;
    try {
      if (this.abandoned) return { completion: Promise.resolve() };
      await graph.prepareBatch(time);
      if (this.abandoned) return { completion: Promise.resolve() };
      jobs = graph.generateJobs(time);
    } catch (e) {
      const error = asBatchError(e, time);
      log.error(`Error generating jobs for time ${time}`, e);
      this.o.onError(error);
      return { completion: Promise.resolve() };
    }
    this.lastGenerated = time;
    const completion =
      jobs.length > 0
        ? scheduler.submitJobSet({ time, jobs, inputInfos: inputInfo.getInfo(time) })
        : Promise.resolve();
    if (this.checkpointer) {
      try {
        await this.checkpointer.afterGeneration(time, jobs.length);
      } catch (e) {
        log.warn(`Could not write checkpoint for time ${time}`, e);
      }
    }
    return { completion };
  }

  /** Cleans up after a batch whose jobs all succeeded, then checkpoints it. */
  async onBatchCompleted(time: Time): Promise<void> {
    this.o.graph.clearMetadata(this.clearableUpTo(time));
    this.o.inputInfo.cleanup(time.minus(this.batchDuration.times(10)));
    await this.checkpointer?.afterCompletion(time);
  }

  /**
   * The time up to which a completed batch may forget old RDDs: its own, unless an earlier batch
   * still runs (`spark.streaming.concurrentJobs` > 1). Then only what that batch no longer needs,
   * as if it were the one completing: Spark's RDDs stay readable from lineage once forgotten, but
   * a state stream's RDD here reads its batch's state through undo logs that forgetting drops.
   */
  private clearableUpTo(time: Time): Time {
    let oldest = time;
    for (const t of this.o.scheduler.pendingTimes()) if (t.less(oldest)) oldest = t;
    return oldest === time ? time : oldest.minus(this.batchDuration);
  }

  /**
   * Lets the generation still under way (and queued behind it) end without generating anything:
   * a graceful stop that timed out stops the context without it, as Spark's stop interrupts it.
   */
  abandonGeneration(): void {
    this.abandoned = true;
  }

  /**
   * Resolves when the generation under way (and any queued behind it) has ended: every batch
   * whose input was fixed before the call has been submitted to the scheduler by then.
   */
  async generationSettled(): Promise<void> {
    await this.generation;
  }

  get lastGeneratedTime(): Time | undefined {
    return this.lastGenerated;
  }

  /**
   * Stops the timer; returns once generation in progress has finished, or at once with
   * `wait = false` (a stop from inside a batch, which that batch's completion waits for).
   */
  async stopTimer(wait = true): Promise<void> {
    this.timer.stop();
    if (wait) await this.generation;
  }
}
