import type { DStreamError } from '../errors.js';
import type { TaskRunner } from '../rdd/index.js';
import type { Clock } from '../util/clock.js';
import type { StreamingConf } from './conf.js';
import type { DStreamGraph } from './dstream-graph.js';
import { engineReporter } from './engine-info.js';
import type { InputInfoTracker } from './input-info-tracker.js';
import { JobGenerator } from './job-generator.js';
import { JobScheduler } from './job-scheduler.js';
import type { StreamingListenerBus } from './listener-bus.js';

/** What a context's generator and scheduler are wired to. */
export interface SchedulingParts {
  readonly clock: Clock;
  readonly conf: StreamingConf;
  readonly graph: DStreamGraph;
  readonly bus: StreamingListenerBus;
  readonly inputInfo: InputInfoTracker;
  readonly runner: TaskRunner;
  readonly onError: (error: DStreamError) => void;
}

/**
 * A context's job generator and job scheduler, wired to each other as Spark's are: the generator
 * submits each batch's jobs, the scheduler runs them (`spark.streaming.concurrentJobs` at a time)
 * and tells the generator of each completed batch, which cleans up and checkpoints.
 */
export function createScheduling(parts: SchedulingParts): {
  scheduler: JobScheduler;
  generator: JobGenerator;
} {
  const { clock, conf, graph, bus, inputInfo, runner, onError } = parts;
  const scheduler: JobScheduler = new JobScheduler(
    clock,
    bus,
    Math.max(1, conf.getNumber('spark.streaming.concurrentJobs', 1)),
    {
      onBatchCompleted: (time): Promise<void> => generator.onBatchCompleted(time),
      onError,
      beforeBatchCompleted: engineReporter(graph, runner, bus),
    },
  );
  const generator: JobGenerator = new JobGenerator({ clock, graph, scheduler, inputInfo, onError });
  return { scheduler, generator };
}
