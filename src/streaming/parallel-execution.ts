// `local[N]` on worker threads, seen from the streaming layer: which runner a context gets, what
// the runner may read of the graph on the driver, and what `start()` does in a task thread.
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SparkContext } from '../rdd/index.js';
import { parseMaster } from '../rdd/master.js';
import { InlineTaskRunner, type TaskRunner } from '../rdd/scheduler/task-runner.js';
import type { StreamLineageSource } from './task-threads/lineage.js';
import { DEFAULT_MAX_FAILURES } from './task-threads/lost-task.js';
import { registerReplayGraph } from './task-threads/runtime.js';
import { WorkerTaskRunner } from './task-threads/worker-task-runner.js';
import { Seconds } from '../util/duration.js';
import { Logger } from '../util/logging.js';
import { isDriver } from '../util/role.js';
import { Time } from '../util/time.js';
import { isStatefulStream } from './checkpoint/stateful-stream.js';
import { StreamingConf } from './conf.js';
import type { DStreamGraph } from './dstream-graph.js';
import type { GraphStream } from './graph-stream.js';

const log = new Logger('StreamingContext');

/** Turns task threads off (`false`); they are on by default for `local[N]`, N > 1. */
export const WORKERS_ENABLED = 'spark.dstream.workers.enabled';
/** The module task threads load (a path or file URL); default: the script Node was started with. */
export const WORKERS_APP_MODULE = 'spark.dstream.workers.appModule';

/**
 * The runner of a context created without one: N task threads for `local[N]` (N > 1) when the
 * application module is known, else the main thread (the context keeps it, to report its counts). A task thread's own context always runs
 * inline (it only replays what the driver sends).
 */
export function defaultTaskRunner(
  master: string,
  conf: Readonly<Record<string, string>> | undefined,
): TaskRunner {
  if (!isDriver()) return new InlineTaskRunner();
  let cores: number;
  try {
    cores = parseMaster(master);
  } catch {
    return new InlineTaskRunner(); // the SparkContext reports the bad master
  }
  if (cores <= 1) return new InlineTaskRunner();
  const settings = new StreamingConf(new Map(Object.entries(conf ?? {})));
  if (!settings.getBoolean(WORKERS_ENABLED, true)) return new InlineTaskRunner();
  const appModule = applicationModule(settings.get(WORKERS_APP_MODULE));
  if (appModule === undefined) {
    log.debug(
      `Tasks of ${master} run on the main thread: the application module is unknown (set ${WORKERS_APP_MODULE})`,
    );
    return new InlineTaskRunner();
  }
  return new WorkerTaskRunner({
    threads: cores,
    appModule,
    argv: process.argv,
    maxFailures: settings.getNumber('spark.task.maxFailures', DEFAULT_MAX_FAILURES),
  });
}

// dstream's own folders: a script there (the `dstream` command running its demo) is no application.
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ownFolders = [join(packageRoot, 'src') + sep, join(packageRoot, 'dist') + sep];

function applicationModule(configured: string | undefined): string | undefined {
  if (configured !== undefined) {
    return configured.startsWith('file:') ? configured : pathToFileURL(resolve(configured)).href;
  }
  const script = process.argv[1];
  if (!script) return undefined;
  const path = isAbsolute(script) ? script : resolve(script);
  // A script inside node_modules is a tool (a test runner, a REPL wrapper), not the application.
  if (/[\\/]node_modules[\\/]/.test(path)) return undefined;
  if (ownFolders.some((f) => path.startsWith(f))) return undefined;
  return pathToFileURL(path).href;
}

/**
 * A context's task runner: the one given, else by its master (see {@link defaultTaskRunner});
 * task threads (`local[N]`) are wired to `graph`'s lineage. Warns as Spark does about one thread.
 */
export function contextTaskRunner(
  master: string,
  conf: Readonly<Record<string, string>> | undefined,
  given: TaskRunner | undefined,
  graph: DStreamGraph,
): { runner: TaskRunner; workers: WorkerTaskRunner | undefined } {
  const runner = given ?? defaultTaskRunner(master, conf);
  const workers = runner instanceof WorkerTaskRunner ? runner : undefined;
  workers?.attach(lineageSourceOf(graph));
  if (master === 'local' || master === 'local[1]') {
    log.warn(
      'spark.master should be set as local[n], n > 1 in local mode if you have receivers to get data, otherwise Spark jobs will not get resources to process the received data.',
    );
  }
  return { runner, workers };
}

/**
 * What the task runner may read of the driver's graph: the zero time, the streams pinned to the
 * driver (stateful ones), and the RDDs that task threads read from the driver rather than compute:
 * every input batch (its data exists only on the driver), and the earlier RDDs of stateful streams
 * (a thread replaying a stream that depends on one stops there instead of going back in time).
 */
export function lineageSourceOf(graph: DStreamGraph): StreamLineageSource {
  let pinned: Set<number> | undefined;
  return {
    zeroTimeMs: () => graph.zeroTime?.milliseconds,
    graphSignature: () => graphSignature(graph),
    isPinned: (streamId) => {
      // The graph no longer changes once started (the only time the runner asks).
      pinned ??= new Set(
        graph
          .allStreams()
          .filter(isStatefulStream)
          .map((s) => s.id),
      );
      return pinned.has(streamId);
    },
    *providedRdds(batchTimeMs) {
      for (const s of graph.allStreams()) {
        const generated = s.generated;
        if (!generated) continue;
        const isInput = s.dependencies.length === 0;
        const stateful = isStatefulStream(s);
        for (const [timeMs, rdd] of generated) {
          if (isInput || (stateful && timeMs < batchTimeMs)) {
            yield { streamId: s.id, timeMs, rdd };
          }
        }
      }
    },
  };
}

/** The streams of a graph by id, with their classes: equal in every thread of one application. */
function graphSignature(graph: DStreamGraph): string {
  return graph
    .allStreams()
    .sort((a, b) => a.id - b.id)
    .map((s) => `${s.id}:${s.constructor.name}`)
    .join(' ');
}

/**
 * `StreamingContext.start()` in a task thread: no timer, no receivers; the graph is registered so
 * that the thread replays its streams for the tasks the driver sends.
 */
export function serveGraphInTaskThread(graph: DStreamGraph, sparkContext: SparkContext): void {
  graph.validate();
  const streams = new Map<number, GraphStream>(graph.allStreams().map((s) => [s.id, s]));
  registerReplayGraph({
    sparkContext,
    signature: graphSignature(graph),
    initialize: (zeroTimeMs) => graph.initialize(new Time(zeroTimeMs)),
    getOrCompute: (streamId, time) => streams.get(streamId)?.getOrCompute?.(time),
    clearMetadata: (time) => graph.clearMetadata(time),
    remembers: (streamId, timeMs) => streams.get(streamId)?.generated?.has(timeMs) ?? false,
  });
}

/**
 * Starts the task threads of `local[N]`. As Spark's scheduler in local mode, it does not wait for
 * them (map tasks wait for a thread to be ready, about 0.2 s) unless
 * `spark.scheduler.minRegisteredResourcesRatio` asks for a share of them, for at most
 * `spark.scheduler.maxRegisteredResourcesWaitingTime` (30 s).
 */
export async function startTaskThreads(
  workers: WorkerTaskRunner,
  conf: StreamingConf,
): Promise<void> {
  const ratio = conf.getNumber('spark.scheduler.minRegisteredResourcesRatio', 0);
  const wait = conf.getDuration('spark.scheduler.maxRegisteredResourcesWaitingTime', Seconds(30));
  await workers.start(ratio, wait.milliseconds);
}
