import { DStreamError, requirement } from '../errors.js';
import type { TaskRunner } from '../rdd/index.js';
import type { Clock } from '../util/clock.js';
import type { Duration } from '../util/duration.js';

/** The life of a context: declare streams, then `start()` once, then `stop()` once. */
export type StreamingContextState = 'INITIALIZED' | 'ACTIVE' | 'STOPPED';

/**
 * What `new StreamingContext(options)` takes: Spark's `SparkConf` settings (`master`, `appName`, `conf`) and the batch interval in one object.
 */
export interface StreamingContextOptions {
  /**
   * `local`, `local[N]` or `local[*]`. When left out: `dstream run --master` (or
   * `--conf spark.master=...`), else `local[*]`, as under `spark-submit`.
   */
  master?: string;
  /** The application's name; when left out, `dstream run --name`, else the file's name. */
  appName?: string;
  /** The batch interval. */
  batchDuration: Duration;
  /**
   * Spark settings, such as `spark.streaming.blockInterval` or `spark.default.parallelism`. They
   * win over the same settings given to `dstream run` (`--conf`, `--properties-file`).
   */
  conf?: Readonly<Record<string, string>>;
  /** The clock batches follow: the system clock, or a `ManualClock` in tests. */
  clock?: Clock;
  /**
   * Runs tasks. By default `local[N]` (N > 1) runs them on N worker threads that load the
   * application module (see docs/architecture.md, "Parallel execution"), else on the main thread.
   */
  taskRunner?: TaskRunner;
}

/**
 * How `ssc.stop(options)` stops, as the arguments of Spark's `stop(stopSparkContext, stopGracefully)`.
 */
export interface StopOptions {
  /** Also stop the SparkContext (default `spark.streaming.stopSparkContextByDefault`, true). */
  stopSparkContext?: boolean;
  /** Process all received data before stopping (default false). */
  stopGracefully?: boolean;
}

/** The batch interval, checked with Spark's messages: set, and positive. */
export function checkBatchDuration(batch: Duration | undefined): Duration {
  requirement(
    batch !== undefined,
    'DSTREAM_ERR_INVALID_DURATION',
    'Batch duration for StreamingContext cannot be null',
  );
  if (batch.milliseconds <= 0) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_DURATION',
      `requirement failed: Batch duration must be positive, got ${batch}`,
    );
  }
  return batch;
}
