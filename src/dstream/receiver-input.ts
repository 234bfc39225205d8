import { InputDStream } from './input.js';
import type { RDD } from '../rdd/index.js';
import { BlockRDD } from '../rdd/narrow/block-rdd.js';
import {
  ReceiverSupervisor,
  STOPPED_BY_DRIVER,
  type ReceivedBlock,
  type Receiver,
} from '../receiver/index.js';
import type { StreamingContext } from '../streaming/streaming-context.js';
import type { Time } from '../util/time.js';

/**
 * An input stream fed by a {@link Receiver}, as Spark's `ReceiverInputDStream`: the receiver runs
 * on the driver's event loop from `start()`, and each batch takes every block received since the
 * previous batch, one partition per block (so about batch interval / block interval partitions).
 * The batch reports the number of records to listeners.
 */
export abstract class ReceiverInputDStream<T> extends InputDStream<T> {
  private supervisor: ReceiverSupervisor<T> | undefined;
  /** Blocks received and not yet taken by a batch (Spark's unallocated blocks). */
  private unallocated: ReceivedBlock<T>[] = [];
  private readonly allocated = new Map<number, ReceivedBlock<T>[]>();

  /** The receiver that brings this stream's data (called once, when the stream starts). */
  abstract getReceiver(): Receiver<T>;

  override start(): void {
    if (this.supervisor) return;
    this.supervisor = new ReceiverSupervisor(
      this.getReceiver(),
      this.ssc,
      this.inputStreamId,
      (block) => this.unallocated.push(block),
    );
    this.supervisor.start();
  }

  override stop(): void {
    this.supervisor?.stop(STOPPED_BY_DRIVER);
  }

  /** Stops the receiver; what it had buffered becomes a block for the next batch. */
  override async stopReceiving(): Promise<void> {
    this.supervisor?.stop(STOPPED_BY_DRIVER);
  }

  override hasPendingData(): boolean {
    return this.unallocated.length > 0 || (this.supervisor?.bufferedRecords ?? 0) > 0;
  }

  /** Gives the blocks received so far to the batch at `time`. */
  override prepareBatch(time: Time): void {
    this.supervisor?.generateDueBlock(this.ssc.clock.now());
    this.allocated.set(time.milliseconds, this.unallocated);
    this.unallocated = [];
    // Blocks of batches that were never computed (the stream is not read by any output).
    const horizon = time.milliseconds - (this.rememberDuration ?? this.slideDuration).milliseconds;
    for (const t of this.allocated.keys()) if (t < horizon) this.allocated.delete(t);
  }

  compute(time: Time): RDD<T> {
    const blocks = this.allocated.get(time.milliseconds) ?? [];
    this.allocated.delete(time.milliseconds);
    let numRecords = 0;
    const partitions: (readonly T[])[] = new Array<readonly T[]>(blocks.length);
    for (let i = 0; i < blocks.length; i++) {
      partitions[i] = blocks[i]!.records;
      numRecords += blocks[i]!.records.length;
    }
    this.ssc.inputInfoTracker.reportInfo(time, {
      inputStreamId: this.inputStreamId,
      numRecords,
      metadata: {},
    });
    return new BlockRDD<T>(this.ssc.sparkContext, partitions, 'BlockRDD');
  }

  /**
   * Changes the records-per-second limit of the receiver's single-record stores (bounded by
   * `spark.streaming.receiver.maxRate`): the hook backpressure uses.
   */
  override updateRateLimit(recordsPerSecond: number): void {
    this.supervisor?.updateRateLimit(recordsPerSecond);
  }

  /**
   * Records the receiver stored one by one that are not in a block yet, including those waiting
   * for the rate limit (0 before the stream starts).
   */
  get bufferedRecords(): number {
    return this.supervisor?.bufferedRecords ?? 0;
  }

  /** The current records-per-second limit (`Infinity`: none), once the stream has started. */
  get rateLimit(): number | undefined {
    return this.supervisor?.getCurrentRateLimit();
  }
}

/** The stream of `ssc.receiverStream(receiver)`, named `Pluggable stream [id]` as in Spark. */
export class PluggableInputDStream<T> extends ReceiverInputDStream<T> {
  constructor(
    ssc: StreamingContext,
    private readonly receiver: Receiver<T>,
  ) {
    super(ssc);
  }

  getReceiver(): Receiver<T> {
    return this.receiver;
  }
}
