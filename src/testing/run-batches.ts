import type { DStream } from '../dstream/index.js';
import { InlineTaskRunner } from '../rdd/scheduler/task-runner.js';
import { StreamingContext } from '../streaming/streaming-context.js';
import { ManualClock } from '../util/clock.js';
import { Seconds, type Duration } from '../util/duration.js';
import { TestInputStream } from './test-input-stream.js';

/** What `runBatches(options)` runs: input batches, the graph built on them, how many batches. */
export interface RunBatchesOptions<I> {
  /** `[stream][batch][element]`; a `null` batch has no RDD at all. */
  inputs: readonly (readonly (readonly I[] | null)[])[];
  /** Partitions of each input batch (Spark's positional slicing); default 2. */
  partitions?: number;
  /** Batches to run, at times 1..numBatches × batchDuration. */
  numBatches: number;
  /** Default one second. */
  batchDuration?: Duration;
  /** Required by stateful operations. */
  checkpointDir?: string;
  /** Default `local[2]`; tasks run inline on the main thread whatever the master. */
  master?: string;
  /** Spark settings for the context, such as `spark.default.parallelism`. */
  conf?: Readonly<Record<string, string>>;
  /** Declares the graph on the input streams; returns the stream(s) whose output to collect. */
  build: (ssc: StreamingContext, inputs: DStream<I>[]) => DStream<unknown> | DStream<unknown>[];
}

/**
 * Runs a graph on a manual clock and returns what the built stream produced: one array per RDD it
 * generated, in time order (a stream that slides every S batches gives an entry only at multiples
 * of S). When `build` returns several streams, returns one such series per stream.
 *
 * All `numBatches` batches run even when some fail; the context is stopped in every case; then
 * the promise rejects with the first failure (a `DStreamError` with its `batchTime`), exactly the
 * error a running application would see.
 *
 * @example
 * ```ts
 * import { runBatches } from 'dstream/testing';
 * const out = await runBatches({
 *   inputs: [[[1, 2], [3]]],
 *   numBatches: 2,
 *   build: (ssc, [a]) => a!.map((x) => x * 10),
 * });
 * // out = [[10, 20], [30]]
 * ```
 */
export async function runBatches<I, O = unknown>(
  options: RunBatchesOptions<I> & {
    build: (ssc: StreamingContext, inputs: DStream<I>[]) => DStream<O>;
  },
): Promise<O[][]>;
export async function runBatches<I>(
  options: RunBatchesOptions<I> & {
    build: (ssc: StreamingContext, inputs: DStream<I>[]) => DStream<unknown>[];
  },
): Promise<unknown[][][]>;
export async function runBatches<I>(
  options: RunBatchesOptions<I>,
): Promise<unknown[][] | unknown[][][]> {
  const batchDuration = options.batchDuration ?? Seconds(1);
  const { ssc, clock } = createManualContext({
    batchDuration,
    master: options.master,
    conf: options.conf,
    checkpointDir: options.checkpointDir,
  });
  try {
    const inputs = options.inputs.map(
      (input) => new TestInputStream<I>(ssc, input, options.partitions ?? 2),
    );
    const built = options.build(ssc, inputs);
    const outputs = Array.isArray(built) ? built : [built];
    const results = outputs.map(() => [] as unknown[][]);
    outputs.forEach((stream, i) =>
      stream.foreachRDD(async (rdd) => {
        results[i]!.push(await rdd.collect());
      }),
    );
    await ssc.start();
    for (let i = 0; i < options.numBatches; i++) await clock.advance(batchDuration.milliseconds);
    await ssc.stop();
    if (ssc.error) throw ssc.error;
    return Array.isArray(built) ? results : results[0]!;
  } finally {
    if (ssc.getState() !== 'STOPPED') await ssc.stop();
  }
}

/** The options of `createManualContext`; every one has a default. */
export interface ManualContextOptions {
  /** The batch interval; default one second. */
  batchDuration?: Duration;
  /** Default `local[2]`; tasks run inline on the main thread whatever the master. */
  master?: string;
  /** Settings; the web UI is off unless `spark.ui.enabled` is `true` here. */
  conf?: Readonly<Record<string, string>>;
  /** The checkpoint directory, required by stateful operations; none by default. */
  checkpointDir?: string;
}

/**
 * A StreamingContext on a {@link ManualClock} starting at 0, with tasks inline: batch k runs at
 * k × batchDuration when the test advances the clock there, and `await clock.advance(ms)` returns
 * once every batch that fell due has run.
 */
export function createManualContext(options: ManualContextOptions = {}): {
  /** The context, not started. */
  ssc: StreamingContext;
  /** Its clock: `await clock.advance(ms)` runs the batches that fall due. */
  clock: ManualClock;
} {
  const clock = new ManualClock(0);
  const ssc = new StreamingContext({
    master: options.master ?? 'local[2]',
    appName: 'dstream-test',
    batchDuration: options.batchDuration ?? Seconds(1),
    // A test context opens no port unless asked: many run side by side.
    conf: { 'spark.ui.enabled': 'false', ...options.conf },
    clock,
    taskRunner: new InlineTaskRunner(),
  });
  if (options.checkpointDir) ssc.checkpoint(options.checkpointDir);
  return { ssc, clock };
}
