import type { Duration } from '../util/duration.js';
import type { Time } from '../util/time.js';
import type { Job } from './job.js';

/** What the graph, the generator and checkpoints need of every stream of the graph. */
export interface GraphStream {
  readonly id: number;
  readonly slideDuration: Duration;
  readonly dependencies: readonly GraphStream[];
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
}

/** A stream registered by an output operation: one job per batch it has an RDD for. */
export interface OutputStream extends GraphStream {
  generateJob(time: Time): Job | undefined;
}

/** A stream with no parent that brings data in. */
export interface InputStream extends GraphStream {
  /** `Socket stream [0]`, as Spark names input streams. */
  readonly displayName: string;
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
}
