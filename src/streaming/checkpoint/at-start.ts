// What `StreamingContext.start()` does about checkpoints before the first batch: make the writer
// when a directory is set, and run the start hooks, through which recovery says what to replay.
import { Time } from '../../util/time.js';
import type { DStreamGraph } from '../dstream-graph.js';
import type { JobGenerator } from '../job-generator.js';
import type { JobScheduler } from '../job-scheduler.js';
import { CheckpointWriter } from './checkpoint-writer.js';
import type { StartPlan } from './recovery.js';

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
