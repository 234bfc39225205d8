import { join } from 'node:path';
import { InputDStream } from './input.js';
import { DStreamError } from '../errors.js';
import type { RDD } from '../rdd/index.js';
import { BlockRDD } from '../rdd/narrow/block-rdd.js';
import { ReceiverSupervisor, STOPPED_BY_DRIVER, type Receiver } from '../receiver/index.js';
import { ReceivedBlockTracker, type ReceiverPosition } from '../receiver/received-block-tracker.js';
import { FileWriteAheadLog } from '../receiver/write-ahead-log.js';
import type { StreamingContext } from '../streaming/streaming-context.js';
import type { Time } from '../util/time.js';

/**
 * An input stream fed by a {@link Receiver}, as Spark's `ReceiverInputDStream`: the receiver runs
 * on the driver's event loop from `start()`, and each batch takes every block received since the
 * previous batch, one partition per block (so about batch interval / block interval partitions).
 * The batch reports the number of records to listeners. With
 * `spark.streaming.receiver.writeAheadLog.enable`, blocks are written to a log in the checkpoint
 * directory before a batch may take them, so a restart loses none (docs/reliability.md).
 */
export abstract class ReceiverInputDStream<T> extends InputDStream<T> {
  /** Marks a stream fed by a {@link Receiver} (its data arrives as blocks, between batches). */
  readonly receiverBased = true;
  private supervisor: ReceiverSupervisor<T> | undefined;
  private blocks: ReceivedBlockTracker<T> | undefined;
  private wal: FileWriteAheadLog | undefined;
  private allocationLog: FileWriteAheadLog | undefined;

  /** The receiver that brings this stream's data (called once, when the stream starts). */
  abstract getReceiver(): Receiver<T>;

  override start(): void {
    if (this.supervisor) return;
    const tracker = this.tracker();
    this.supervisor = new ReceiverSupervisor(
      this.getReceiver(),
      this.ssc,
      this.inputStreamId,
      (b) => tracker.addBlock(b),
      (b) => tracker.addBlockReliably(b),
    );
    this.supervisor.start();
  }

  override async stop(): Promise<void> {
    this.supervisor?.stop(STOPPED_BY_DRIVER);
    await this.supervisor?.whenStopped();
    await this.wal?.close();
    await this.allocationLog?.close();
  }

  /** The blocks' tracker, made on first use: the checkpoint directory is known by then. */
  private tracker(): ReceivedBlockTracker<T> {
    if (this.blocks) return this.blocks;
    const { conf, clock, checkpointDir: dir } = this.ssc;
    const logAt = (path: string, prefix: string) =>
      new FileWriteAheadLog(join(path, String(this.inputStreamId)), {
        rollingIntervalMs: conf.getNumber(`${prefix}.writeAheadLog.rollingIntervalSecs`, 60) * 1000,
        maxFailures: conf.getNumber(`${prefix}.writeAheadLog.maxFailures`, 3),
        now: () => clock.now(),
      });
    if (conf.getBoolean('spark.streaming.receiver.writeAheadLog.enable', false)) {
      if (dir === undefined) {
        throw new DStreamError(
          'DSTREAM_ERR_WAL_WITHOUT_CHECKPOINT',
          'Cannot enable receiver write-ahead log without checkpoint directory set. Please use streamingContext.checkpoint() to set the checkpoint directory. See documentation for more details.',
        );
      }
      this.wal = logAt(join(dir, 'receivedData'), 'spark.streaming.receiver');
    }
    // Spark's driver log of block allocations, kept whenever checkpointing is on.
    if (dir !== undefined) {
      this.allocationLog = logAt(join(dir, 'receivedBlockMetadata'), 'spark.streaming.driver');
    }
    this.blocks = new ReceivedBlockTracker<T>(
      this.displayName,
      { wal: this.wal, allocations: this.allocationLog },
      (message, error) => this.supervisor?.reportError(message, error),
    );
    return this.blocks;
  }

  /** Stops the receiver; what it had buffered becomes a block for the next batch. */
  override async stopReceiving(): Promise<void> {
    this.supervisor?.stop(STOPPED_BY_DRIVER);
    await this.supervisor?.whenStopped();
  }

  override hasPendingData(): boolean {
    return (this.blocks?.hasPending ?? false) || (this.supervisor?.bufferedRecords ?? 0) > 0;
  }

  /** Gives the blocks received so far to the batch at `time`. */
  override async prepareBatch(time: Time): Promise<void> {
    this.supervisor?.generateDueBlock(this.ssc.clock.now());
    const blocks = this.tracker();
    // With the write-ahead log, a block counts once written: wait for those cut by now.
    await blocks.flushWrites();
    await blocks.allocate(time.milliseconds);
    // Blocks of batches that were never computed (the stream is not read by any output).
    blocks.dropBlocksBefore(
      time.milliseconds - (this.rememberDuration ?? this.slideDuration).milliseconds,
    );
  }

  /**
   * The batches a restart may compute again, with their record counts and, with the write-ahead
   * log, where their blocks are in it.
   */
  override checkpointPosition(recoveryHorizon?: Time): ReceiverPosition {
    const remembered =
      (this.ssc.graph.zeroTime ? this.ssc.clock.now() : 0) -
      (this.rememberDuration ?? this.slideDuration).milliseconds;
    const horizon = Math.min(recoveryHorizon?.milliseconds ?? Infinity, remembered);
    return this.tracker().position(horizon);
  }

  override restorePosition(position: unknown): void {
    this.tracker().restore(position as ReceiverPosition);
  }

  compute(time: Time): RDD<T> {
    const partitions = this.tracker().takeBlocks(time.milliseconds);
    let numRecords = 0;
    for (const p of partitions) numRecords += p.length;
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
