// What a task thread's entry and the application's own dstream objects share: the graph the
// application registered, and, while a task runs, where data shipped from the driver comes from.
// Kept on globalThis (two copies of dstream in one thread still meet here).
import type { Time } from '../../util/time.js';
import type { RDD } from '../../rdd/rdd.js';
import type { SparkContext } from '../../rdd/spark-context.js';

/** An RDD of the driver that a task thread reads instead of computing it (an input's batch). */
export interface ProvidedRdd {
  readonly streamId: number;
  readonly timeMs: number;
  /** The driver's RDD id: the task thread fetches its partitions by it. */
  readonly rddId: number;
  readonly numPartitions: number;
  /** The partition count of its HashPartitioner, when it has one. */
  readonly hashPartitions: number | undefined;
}

/** What a task thread needs of the application's stream graph (the streaming layer provides it). */
export interface ReplayGraph {
  readonly sparkContext: SparkContext;
  /** The streams of the graph (ids and classes), compared with the driver's. */
  readonly signature: string;
  /** Sets the zero time of every stream (once, with the driver's). */
  initialize(zeroTimeMs: number): void;
  /** The RDD of stream `streamId` for `time`, computed (or remembered) in this thread. */
  getOrCompute(streamId: number, time: Time): RDD<unknown> | undefined;
  /** Forgets what the driver forgot after batch `time` (remembered RDDs). */
  clearMetadata(time: Time): void;
  /** Whether stream `streamId` still remembers its RDD of `timeMs`. */
  remembers(streamId: number, timeMs: number): boolean;
}

/** A task thread's connection to the driver while it runs a task. */
export interface TaskThreadRuntime {
  /** The driver's RDD standing for (stream, time) in the task being run, if it ships one. */
  provided(streamId: number, timeMs: number): ProvidedRdd | undefined;
  /**
   * Reads partition `split` of the driver's RDD `rddId`, handing it to `each` chunk by chunk (the
   * next chunk is asked for before `each` runs, so the driver prepares it meanwhile).
   */
  readPartition(rddId: number, split: number, each: (items: readonly unknown[]) => void): void;
}

interface Shared {
  runtime?: TaskThreadRuntime;
  graph?: ReplayGraph;
  graphListeners: ((graph: ReplayGraph) => void)[];
}

const SHARED = Symbol.for('dstream.taskThread');
const holder = globalThis as { [SHARED]?: Shared };
const shared: Shared = (holder[SHARED] ??= { graphListeners: [] });

export function taskThreadRuntime(): TaskThreadRuntime | undefined {
  return shared.runtime;
}

export function setTaskThreadRuntime(runtime: TaskThreadRuntime): void {
  shared.runtime = runtime;
}

/** Called by `StreamingContext.start()` in a task thread: the graph tasks replay. */
export function registerReplayGraph(graph: ReplayGraph): void {
  shared.graph = graph;
  for (const listener of shared.graphListeners.splice(0)) listener(graph);
}

/** Resolves with the graph once the application has started its context in this thread. */
export function replayGraph(): Promise<ReplayGraph> {
  const graph = shared.graph;
  if (graph) return Promise.resolve(graph);
  return new Promise((resolve) => shared.graphListeners.push(resolve));
}
