import type { RDD } from '../rdd/index.js';
import type { Duration } from '../util/duration.js';
import type { Time } from '../util/time.js';
import type { Job } from './job.js';

/** What the graph, the generator and checkpoints need of every stream of the graph. */
export interface GraphStream {
  readonly id: number;
  readonly slideDuration: Duration;
  readonly dependencies: readonly GraphStream[];
  /** The name given with `.name(...)`: it keys the stream's state and position in checkpoints. */
  readonly givenName?: string | undefined;
  /**
   * The operation that declared the stream (`map`, `updateStateByKey`...), part of the state keys
   * derived from the graph; the class name (without `DStream`) when absent.
   */
  readonly operationName?: string | undefined;
  /** Sets the time batches count from; recurses into parents. */
  initialize(zeroTime: Time): void;
  /**
   * Keeps generated RDDs at least this long (`undefined`: as long as already set); recurses into
   * parents, which windows ask to remember a window longer.
   */
  rememberAtLeast(duration: Duration | undefined): void;
  /** Checks settings that can only be checked once the graph is complete (Spark's messages). */
  validateAtStart(): void;
  /** Forgets RDDs older than `time` minus the remember duration; recurses into parents. */
  clearMetadata(time: Time): void;
  /** The RDD for `time`, computed once then remembered (task threads replay streams with it). */
  getOrCompute?(time: Time): RDD<unknown> | undefined;
  /** The RDDs generated so far, by batch time (ms). */
  readonly generated?: ReadonlyMap<number, RDD<unknown>>;
}

/** A stream registered by an output operation: one job per batch it has an RDD for. */
export interface OutputStream extends GraphStream {
  generateJob(time: Time): Job | undefined;
}

/** A stream with no parent that brings data in. */
export interface InputStream extends GraphStream {
  /** `Socket stream [0]`, as Spark names input streams. */
  readonly displayName: string;
  /** The id its input info is reported under (Spark's stream id, shown by the UI). */
  readonly inputStreamId: number;
  /** True for a stream fed by a receiver (the UI counts receivers that are not active). */
  readonly receiverBased?: boolean;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
  /**
   * Asynchronous work before the batch's RDDs are computed (listing files, taking received blocks,
   * asking Kafka for offsets). Computing the RDD then needs no I/O on the driver.
   */
  prepareBatch?(time: Time): void | Promise<void>;
  /** True while received data waits to be put into a batch (graceful stop waits for it). */
  hasPendingData?(): boolean;
  /** Stops receiving but keeps what was received for the next batch (graceful stop). */
  stopReceiving?(): Promise<void>;
  /**
   * What a metadata checkpoint must keep so that, after a restart, this stream gives the same data
   * for every batch it has remembered (Spark keeps the file stream's selected files per batch, the
   * Kafka stream's offset ranges). Called after each batch is generated and after it completes;
   * plain data only (what the snapshot format stores: numbers, strings, arrays, plain objects,
   * Map...), never RDDs or functions. No batch at or before `recoveryHorizon` will be computed
   * again by a recovery from this checkpoint (the oldest kept state snapshot and the oldest
   * pending batch bound it): what only those batches needed may go.
   */
  checkpointPosition?(recoveryHorizon?: Time): unknown;
  /**
   * Called on recovery, after the graph is initialized with the checkpoint's zero time and before
   * `start()`, with what `checkpointPosition()` returned in the previous run. The stream, rebuilt
   * by the application's `createFn`, must then give the recorded data for the recorded batch times
   * (they are re-run or recomputed), and select new data for later batches as the original stream
   * would have (for the file stream: the original initial modification-time threshold, not the
   * restart time, so that files that arrived while the application was down are not skipped).
   */
  restorePosition?(position: unknown): void;
  /**
   * Whether `position` (what `checkpointPosition()` returned) still holds the data of batch `time`,
   * so that the batch can be recomputed after a restart. Recovery asks it before restoring a state
   * from an older snapshot than the checkpoint names (the newest is damaged): without it, or when
   * it says no, that fallback is refused rather than losing the batches in between.
   */
  recordsBatch?(position: unknown, time: Time): boolean;
  /**
   * Takes a new ingestion rate (records per second) from backpressure: a stream that has this
   * method gets a `RateController` when `spark.streaming.backpressure.enabled` is true.
   */
  updateRateLimit?(recordsPerSecond: number): void;
}
