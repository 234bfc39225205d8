import type { StreamingContext } from '../streaming/streaming-context.js';
import type { Duration } from '../util/duration.js';
import type { Time } from '../util/time.js';
import { DStream } from './dstream.js';

/**
 * A stream with no parent that brings data into the graph, as Spark's `InputDStream`. It registers
 * itself with the context when created, gets an input stream id (0, 1, 2...) and a name like
 * Spark's (`Socket stream [0]`).
 *
 * A source extends it with `compute(time)` (the batch's RDD, computed without I/O) and, as it
 * needs, the optional hooks below, which the engine calls when a subclass has them
 * (docs/extending.md). A source that reads a partitioned log returns RDDs of partition sources
 * (`SourceRDD`), which task threads read themselves, and that carry their `offsetRanges`.
 */
export abstract class InputDStream<T> extends DStream<T> {
  /**
   * The id of this input among the context's inputs (0, 1, ...): the `streamId` of its receiver, its blocks and its rows in the UI.
   */
  readonly inputStreamId: number;

  constructor(ssc: StreamingContext) {
    super(ssc);
    // Checks, at compile time too, that an input stream is what the graph needs.
    this.inputStreamId = ssc.registerInputStream(this);
  }

  /** A display name such as `Queue stream [2]`. */
  get displayName(): string {
    const words = this.constructor.name
      .replace(/InputDStream$/, 'Stream')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
    return `${words.charAt(0).toUpperCase()}${words.slice(1)} [${this.inputStreamId}]`;
  }

  get slideDuration(): Duration {
    return this.ssc.batchDuration;
  }

  get dependencies(): readonly DStream<unknown>[] {
    return [];
  }

  /** Called when the context starts: connect, start receiving. */
  start(): void | Promise<void> {}

  /** Called when the context stops: disconnect, release what `start()` took. */
  stop(): void | Promise<void> {}

  /**
   * Asynchronous work before the batch's RDDs are computed (list files, take received blocks, ask
   * a broker for its latest offsets); `compute(time)` then needs no I/O.
   */
  prepareBatch?(time: Time): void | Promise<void>;

  /**
   * What a metadata checkpoint keeps so that, after a restart, this stream gives the same data for
   * every batch it remembers (the files per batch, the offset ranges per batch): plain data only.
   * No batch at or before `recoveryHorizon` will be computed again by a recovery from it.
   */
  checkpointPosition?(recoveryHorizon?: Time): unknown;

  /** Called on recovery, before `start()`, with what `checkpointPosition()` returned before. */
  restorePosition?(position: unknown): void;

  /**
   * Whether `position` (what `checkpointPosition()` returned) still holds the data of batch `time`.
   * Recovery restores a state from an older snapshot, when the newest is damaged, only if the
   * stream's position records every batch after it.
   */
  recordsBatch?(position: unknown, time: Time): boolean;

  /**
   * A new ingestion rate (records per second) from backpressure: a stream with this method gets a
   * rate controller when `spark.streaming.backpressure.enabled` is true.
   */
  updateRateLimit?(recordsPerSecond: number): void;

  /** True while received data waits to be put into a batch (a graceful stop waits for it). */
  hasPendingData?(): boolean;

  /** Stops receiving but keeps what was received for the next batch (a graceful stop). */
  stopReceiving?(): Promise<void>;
}
