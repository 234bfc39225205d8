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
 * receiving, a batch takes what they had buffered, the timer stops and the last batch is
 * generated and processed, each wait bounded by `spark.streaming.gracefulStopTimeout` (10 batches
 * by default); then the inputs stop, and the jobs still queued or running get up to an hour.
 * Otherwise: the timer stops, queued batches are dropped, the inputs stop, and the batch being
 * generated and the running job get up to 2 s each.
 */
export async function shutDown(parts: ShutdownParts, graceful: boolean): Promise<void> {
  const { clock, graph, generator, scheduler } = parts;
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
    await stopGenerationGracefully(parts);
    await graph.stopInputs();
    await awaitJobs(scheduler, clock, GRACEFUL_JOBS_WAIT_MS, 'a graceful stop()');
  } else {
    if (!(await settlesBy(generator.stopTimer(), clock, clock.now() + RUNNING_JOBS_GRACE_MS))) {
      generator.abandonGeneration();
      log.warn(
        `A batch was still being generated ${RUNNING_JOBS_GRACE_MS / 1000} s after stop() ` +
          '(an input did not finish preparing it): stopping without it',
      );
    }
    scheduler.stopAccepting();
    await graph.stopInputs();
    await awaitJobs(scheduler, clock, RUNNING_JOBS_GRACE_MS, 'stop()');
  }
  // Not from inside a batch (above): the stop checkpoint would wait for that batch's own.
  await generator.checkpointer
    ?.atStop()
    .catch((e: unknown) => log.warn('Could not write the checkpoint of the stop', e));
}

/**
 * Spark's `JobGenerator.stop(processReceivedData = true)`: waits for the received data to be
 * taken by a batch, stops the timer, waits for the batch being generated and for every batch to
 * be processed, all before one deadline. Past it, warns as Spark does and goes on: a generation
 * that never ends (an input that never finishes preparing, as a broker that does not answer) is
 * abandoned, and the data it would have taken is lost.
 */
async function stopGenerationGracefully(parts: ShutdownParts): Promise<void> {
  const { conf, clock, graph, generator, scheduler, batchDuration } = parts;
  const timeout = conf.getDuration('spark.streaming.gracefulStopTimeout', batchDuration.times(10));
  const deadline = clock.now() + timeout.milliseconds;
  for (const s of graph.inputStreams) await s.stopReceiving?.();
  const pendingData = () => graph.inputStreams.some((s) => s.hasPendingData?.());
  while (pendingData() && clock.now() < deadline) {
    await clock.sleep(Math.min(100, batchDuration.milliseconds, deadline - clock.now()));
  }
  let timedOut = pendingData();
  if (!(await settlesBy(generator.stopTimer(), clock, deadline))) {
    timedOut = true;
    generator.abandonGeneration();
  }
  if (!(await settlesBy(scheduler.awaitAll(), clock, deadline))) timedOut = true;
  if (timedOut) {
    generatorLog.warn(
      `Timed out while stopping the job generator (timeout = ${timeout.milliseconds})`,
    );
  }
}

/** How long a stop that is not graceful waits for running jobs before it leaves them behind. */
const RUNNING_JOBS_GRACE_MS = 2000;
/** How long a graceful stop waits for the jobs of generated batches (Spark: one hour). */
const GRACEFUL_JOBS_WAIT_MS = 3_600_000;

/**
 * Waits for the jobs still queued or running, at most `waitMs`, as Spark waits for its job pool
 * (2 s after interrupting its threads, or an hour when stopping gracefully). A JavaScript job
 * cannot be interrupted: one that never ends (a `foreachRDD` awaiting a server that does not
 * answer) is left running, and the context stops anyway.
 */
async function awaitJobs(
  scheduler: JobScheduler,
  clock: Clock,
  waitMs: number,
  stop: string,
): Promise<void> {
  if (await settlesBy(scheduler.awaitAll(), clock, clock.now() + waitMs)) return;
  scheduler.stopAccepting();
  const wait = waitMs >= 3_600_000 ? `${waitMs / 3_600_000} h` : `${waitMs / 1000} s`;
  const hint = waitMs < GRACEFUL_JOBS_WAIT_MS ? '; stop gracefully to wait for every batch' : '';
  log.warn(
    `A job was still running ${wait} after ${stop}: stopping without it ` +
      `(its batch stays incomplete${hint})`,
  );
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
