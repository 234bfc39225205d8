import type { Cancellable, Clock } from '../util/clock.js';
import type { Duration } from '../util/duration.js';
import { Logger } from '../util/logging.js';
import type { StreamingConf } from './conf.js';
import type { DStreamGraph } from './dstream-graph.js';
import type { JobGenerator } from './job-generator.js';
import type { JobScheduler } from './job-scheduler.js';

const log = new Logger('StreamingContext');
const generatorLog = new Logger('JobGenerator');

export interface ShutdownParts {
  readonly conf: StreamingConf;
  readonly clock: Clock;
  readonly graph: DStreamGraph;
  readonly generator: JobGenerator;
  readonly scheduler: JobScheduler;
  readonly batchDuration: Duration;
}

/**
 * Stops an active context's batches and inputs, in Spark's order. Gracefully: receivers stop
 * receiving, a batch takes what they had buffered (bounded by `spark.streaming.gracefulStopTimeout`,
 * 10 batches by default), the timer stops, every batch finishes, then the inputs stop. Otherwise:
 * the timer stops, queued batches are dropped, the inputs stop, the running job ends.
 */
export async function shutDown(parts: ShutdownParts, graceful: boolean): Promise<void> {
  const { conf, clock, graph, generator, scheduler, batchDuration } = parts;
  if (scheduler.insideJob) {
    // Called from a foreachRDD function: its batch cannot end before stop() returns, so stop
    // must not wait for it (nor, gracefully, for anything after it).
    if (graceful) log.warn('stop() from inside a batch cannot stop gracefully: stopping now');
    await generator.stopTimer(false);
    scheduler.stopAccepting();
    await graph.stopInputs();
    return;
  }
  if (graceful) {
    const timeout = conf.getDuration(
      'spark.streaming.gracefulStopTimeout',
      batchDuration.times(10),
    );
    const deadline = clock.now() + timeout.milliseconds;
    for (const s of graph.inputStreams) await s.stopReceiving?.();
    // Wait for a batch to take what the receivers had buffered.
    while (graph.inputStreams.some((s) => s.hasPendingData?.()) && clock.now() < deadline) {
      await clock.sleep(Math.min(100, batchDuration.milliseconds, deadline - clock.now()));
    }
    let timedOut = graph.inputStreams.some((s) => s.hasPendingData?.());
    // Then for the generation under way, until the same deadline: one whose input never
    // finishes preparing (a broker that does not answer) must not hold the stop forever.
    if (!(await settlesBy(generator.stopTimer(), clock, deadline))) {
      timedOut = true;
      generator.abandonGeneration();
    }
    if (timedOut) {
      generatorLog.warn(
        `Timed out while stopping the job generator (timeout = ${timeout.milliseconds})`,
      );
    }
    await scheduler.awaitAll();
  } else {
    await generator.stopTimer();
    scheduler.stopAccepting();
  }
  await graph.stopInputs();
  if (!graceful) await awaitRunningJobs(scheduler, clock);
}

/** How long a stop that is not graceful waits for running jobs before it leaves them behind. */
const RUNNING_JOBS_GRACE_MS = 2000;

/**
 * Waits for the jobs still running, at most 2 s, as Spark waits for its job threads after
 * interrupting them. A JavaScript job cannot be interrupted: one that never ends (a `foreachRDD`
 * awaiting a server that does not answer) is left running, and the context stops anyway.
 */
async function awaitRunningJobs(scheduler: JobScheduler, clock: Clock): Promise<void> {
  let timer: Cancellable | undefined;
  const gaveUp = await Promise.race([
    scheduler.awaitAll().then(() => false),
    new Promise<boolean>((resolve) => {
      timer = clock.schedule(clock.now() + RUNNING_JOBS_GRACE_MS, () => resolve(true));
    }),
  ]);
  timer?.cancel();
  if (gaveUp) {
    log.warn(
      `A job was still running ${RUNNING_JOBS_GRACE_MS / 1000} s after stop(): stopping without it ` +
        '(its batch stays incomplete; stop gracefully to wait for every batch)',
    );
  }
}

/**
 * Whether `work` settles by clock time `deadline` (at once when the deadline has passed: then
 * only work that is already finishing, within a turn of the event loop, counts).
 */
async function settlesBy(work: Promise<unknown>, clock: Clock, deadline: number): Promise<boolean> {
  let timer: Cancellable | undefined;
  const expired = new Promise<boolean>((resolve) => {
    if (clock.now() >= deadline) setImmediate(() => resolve(false));
    else timer = clock.schedule(deadline, () => resolve(false));
  });
  const settled = await Promise.race([work.then(() => true), expired]);
  timer?.cancel();
  return settled;
}
