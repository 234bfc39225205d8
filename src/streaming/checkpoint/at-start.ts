// What `StreamingContext.start()` does about checkpoints before the first batch: make the writer
// when a directory is set, run the start hooks, through which recovery says what to replay, and
// say how the generator begins.
import { Logger } from '../../util/logging.js';
import { Time } from '../../util/time.js';
import type { DStreamGraph } from '../dstream-graph.js';
import type { JobGenerator } from '../job-generator.js';
import type { JobScheduler } from '../job-scheduler.js';
import { CheckpointWriter } from './checkpoint-writer.js';
import type { StartPlan } from './recovery.js';

const log = new Logger('StreamingContext');

/** What this needs of the context (structural: the context imports this file). */
interface StartingContext<C> {
  readonly sparkContext: { readonly appName: string; readonly master: string };
  readonly graph: DStreamGraph;
  readonly scheduler: JobScheduler;
  readonly generator: JobGenerator;
  readonly startHooks: readonly ((ssc: C) => Promise<StartPlan | Time | undefined>)[];
}

/**
 * Gives the generator a checkpoint writer for `dir`, if set. Two stateful operators with one name
 * fail here, before anything starts.
 */
export function attachCheckpointWriter<C>(
  ssc: StartingContext<C>,
  dir: string | undefined,
): CheckpointWriter | undefined {
  if (dir === undefined) return undefined;
  const writer = new CheckpointWriter({
    dir,
    appName: ssc.sparkContext.appName,
    master: ssc.sparkContext.master,
    graph: ssc.graph,
    pendingTimes: () => ssc.scheduler.pendingTimes(),
  });
  writer.statefulStreams();
  ssc.generator.checkpointer = writer;
  return writer;
}

/** Runs the start hooks in order; the last plan given wins (a time alone replays nothing). */
export async function runStartHooks<C extends StartingContext<C>>(
  ssc: C,
): Promise<StartPlan | undefined> {
  let plan: StartPlan | undefined;
  for (const hook of ssc.startHooks) {
    const next = await hook(ssc);
    if (next) plan = next instanceof Time ? { restartTime: next, replay: [] } : next;
  }
  return plan;
}

/**
 * The checkpoint side of `start()`, before the inputs start: the writer, the start hooks
 * (recovery's plan), the zero time, and a new application's first checkpoint. Returns what starts
 * the generator once the inputs run: the batches pending or missed while down first, in time
 * order (generation is chained), then the timer; or the timer from the zero time.
 */
export async function prepareStart<C extends StartingContext<C>>(
  ssc: C,
  dir: string | undefined,
): Promise<() => void> {
  const writer = attachCheckpointWriter(ssc, dir);
  const plan = await runStartHooks(ssc);
  const { graph, generator } = ssc;
  const zeroTime = graph.zeroTime ?? generator.firstZeroTime();
  if (!graph.zeroTime) graph.initialize(zeroTime);
  // A new application checkpoints before its first batch runs (unlike Spark, which writes the
  // first checkpoint while that batch's jobs already run). Killed in between, it would restart
  // as another new application, with a new zero time and a file stream that takes the files
  // arrived meanwhile for old (newFilesOnly): those would never be counted.
  if (writer && !plan) {
    await writer
      .atStart(zeroTime)
      .catch((e: unknown) => log.warn(`Could not write checkpoint for time ${zeroTime}`, e));
  }
  return () => {
    if (!plan) return generator.start(zeroTime);
    for (const time of plan.replay) void generator.generateBatch(time);
    generator.startAt(plan.restartTime);
  };
}
