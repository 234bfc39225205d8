import { deserialize, serialize } from 'node:v8';
import { DStreamError, messageOf } from '../errors.js';
import { Logger } from '../util/logging.js';
import type { ReceivedBlock } from './block-generator.js';
import type { FileWriteAheadLog, WalSegment } from './write-ahead-log.js';

const log = new Logger('ReceivedBlockTracker');

/**
 * What a metadata checkpoint keeps of a receiver stream: each batch recovery may compute again,
 * with its record count and, with the write-ahead log, where its blocks are.
 */
export interface ReceiverPosition {
  readonly writeAheadLog: boolean;
  /** `[timeMs, records, segments]` of every batch after the recovery horizon. */
  readonly batches: readonly (readonly [number, number, readonly WalSegment[]])[];
  /** The last record of the log given to a batch: the records after it were not, yet. */
  readonly lastAllocated: WalSegment | null;
}

interface Block<T> extends ReceivedBlock<T> {
  /** Where the block is in the write-ahead log (none: in memory only). */
  readonly segment?: WalSegment;
}

interface BatchRecord {
  readonly records: number;
  readonly segments: readonly WalSegment[];
}

/**
 * A receiver stream's blocks, from reception to the batch that takes them, as Spark's
 * ReceivedBlockTracker: blocks wait as unallocated until a batch takes them all. With a write-ahead
 * log, a block counts as received once it is in the log, and the batches remember where their
 * blocks are, so that after a crash a batch computed again gets its data back from the log, and
 * the blocks no batch took yet go to the first batch after the restart. Without one, a batch
 * computed again after a restart has lost its data, and says so.
 */
export class ReceivedBlockTracker<T> {
  private unallocated: Block<T>[] = [];
  private writing = 0;
  /** Blocks of batches not computed yet, in memory. */
  private readonly allocated = new Map<number, Block<T>[]>();
  /** Every batch since the recovery horizon, for the checkpoint. */
  private readonly history = new Map<number, BatchRecord>();
  /** Batches of the previous run (after a recovery): their data comes from the log, if any. */
  private readonly recovered = new Map<number, BatchRecord>();
  private lastAllocated: WalSegment | undefined;
  /** Settles when the last block given to the log is written (writes run in order). */
  private lastWrite: Promise<void> = Promise.resolve();

  /** Where each batch's allocation is in the allocation log. */
  private readonly allocationSegments = new Map<number, WalSegment>();

  constructor(
    private readonly streamName: string,
    private readonly logs: {
      /** The received data (with `spark.streaming.receiver.writeAheadLog.enable`). */
      readonly wal?: FileWriteAheadLog;
      /**
       * Which batch took what, written before the batch runs (whenever checkpointing is on, as
       * Spark's `receivedBlockMetadata` log): a crash before the batch's checkpoint is written
       * still knows what the batch had, to give it back from the write-ahead log or say it is lost.
       */
      readonly allocations?: FileWriteAheadLog;
    },
    /** A block that could not be logged (the receiver reports it as its error). */
    private readonly onLogError: (message: string, error: unknown) => void,
  ) {}

  private get wal(): FileWriteAheadLog | undefined {
    return this.logs.wal;
  }

  /** Takes a block from the receiver; with the log, it is unallocated once written. */
  addBlock(block: ReceivedBlock<T>): void {
    void this.add(block, false);
  }

  /**
   * Takes a block whose receiver waits for it to be stored (Spark's `store(ArrayBuffer)`):
   * resolves once the block is in the write-ahead log (at once without one). A block the log
   * refuses is not kept: the promise rejects, and the receiver may store it again or give up (a
   * reliable source then has not acknowledged the records, and sends them again).
   */
  addBlockReliably(block: ReceivedBlock<T>): Promise<void> {
    return this.add(block, true);
  }

  private add(block: ReceivedBlock<T>, reliable: boolean): Promise<void> {
    const wal = this.wal;
    if (!wal) {
      this.unallocated.push(block);
      return Promise.resolve();
    }
    let payload: Buffer;
    try {
      payload = serialize(block.records);
    } catch (e) {
      const message = `Cannot write block ${block.blockId} to the write ahead log`;
      if (reliable)
        return Promise.reject(
          new DStreamError('DSTREAM_ERR_WAL_WRITE', `${message}: ${messageOf(e)}`, { cause: e }),
        );
      this.keepUnlogged(block, message, e);
      return Promise.resolve();
    }
    this.writing++;
    const written = wal.write(payload).then(
      (segment) => {
        this.writing--;
        this.unallocated.push({ ...block, segment });
      },
      (e: unknown) => {
        this.writing--;
        if (reliable) throw e;
        this.keepUnlogged(
          block,
          `Error while writing block ${block.blockId} to the write ahead log`,
          e,
        );
      },
    );
    this.lastWrite = written.catch(() => undefined);
    return written;
  }

  /** True while blocks wait for a batch, or for the log. */
  get hasPending(): boolean {
    return this.unallocated.length > 0 || this.writing > 0;
  }

  /** Resolves when every block received so far is in the log (or failed to get there). */
  flushWrites(): Promise<void> {
    return this.lastWrite;
  }

  /**
   * Gives every unallocated block to the batch at `timeMs` (a batch of before a restart keeps its
   * own); resolves once the allocation is logged.
   */
  async allocate(timeMs: number): Promise<void> {
    if (this.recovered.has(timeMs)) return;
    const blocks = this.unallocated;
    this.unallocated = [];
    this.allocated.set(timeMs, blocks);
    let records = 0;
    const segments: WalSegment[] = [];
    for (const b of blocks) {
      records += b.records.length;
      if (b.segment) segments.push(b.segment);
    }
    if (segments.length > 0) this.lastAllocated = segments[segments.length - 1];
    this.history.set(timeMs, { records, segments });
    if (records > 0 && this.logs.allocations) {
      try {
        const entry = serialize([timeMs, records, segments]);
        this.allocationSegments.set(timeMs, await this.logs.allocations.write(entry));
      } catch (e) {
        log.warn(
          `Could not log the allocation of batch ${timeMs} ms of ${this.streamName}: a crash before its checkpoint would lose it silently`,
          e,
        );
      }
    }
  }

  /** The blocks' records of the batch at `timeMs` (once: they are then forgotten). */
  takeBlocks(timeMs: number): (readonly T[])[] {
    const blocks = this.allocated.get(timeMs);
    if (blocks) {
      this.allocated.delete(timeMs);
      return blocks.map((b) => b.records);
    }
    const before = this.recovered.get(timeMs);
    return before ? this.readBack(timeMs, before) : [];
  }

  /** Forgets the in-memory blocks of batches before `timeMs` that no output computed. */
  dropBlocksBefore(timeMs: number): void {
    for (const t of this.allocated.keys()) if (t < timeMs) this.allocated.delete(t);
  }

  /**
   * The checkpoint's position. Batches at or before `horizonMs` will not be computed again: they
   * leave it, and the log's files that only they needed are deleted.
   */
  position(horizonMs: number): ReceiverPosition {
    for (const m of [this.history, this.recovered]) {
      for (const t of m.keys()) if (t <= horizonMs) m.delete(t);
    }
    const batches = [...this.history].sort(([a], [b]) => a - b);
    this.deleteOldAllocations(horizonMs);
    if (this.wal) {
      const oldest =
        batches.find(([, b]) => b.segments.length > 0)?.[1].segments[0] ?? this.lastAllocated;
      if (oldest) {
        this.wal.deleteFilesBefore(oldest.file).catch((e: unknown) => {
          log.warn(`Could not delete old write ahead log files of ${this.streamName}`, e);
        });
      }
    }
    return {
      writeAheadLog: this.wal !== undefined,
      batches: batches.map(([t, b]) => [t, b.records, b.segments] as const),
      lastAllocated: this.lastAllocated ?? null,
    };
  }

  /**
   * Takes back the batches of the previous run (from the checkpoint's position, and from the
   * allocation log those the crash left out of it), and, from the write-ahead log, the blocks none
   * took.
   */
  restore(p: ReceiverPosition): void {
    const batches = new Map(p.batches.map(([t, records, segments]) => [t, { records, segments }]));
    const newest = Math.max(-Infinity, ...batches.keys());
    for (const { segment, payload } of this.logs.allocations?.recordsAfter(undefined) ?? []) {
      const [t, records, segments] = deserialize(payload) as [number, number, WalSegment[]];
      this.allocationSegments.set(t, segment);
      if (t > newest) batches.set(t, { records, segments });
    }
    this.lastAllocated = p.lastAllocated ?? undefined;
    for (const [t, batch] of [...batches].sort(([a], [b]) => a - b)) {
      this.recovered.set(t, batch);
      this.history.set(t, batch);
      if (t > newest && batch.segments.length > 0) this.lastAllocated = batch.segments.at(-1);
    }
    if (!this.wal) return;
    for (const { segment, payload } of this.wal.recordsAfter(this.lastAllocated)) {
      const records = deserialize(payload) as T[];
      this.unallocated.push({ blockId: `${segment.file}@${segment.offset}`, records, segment });
    }
    if (this.unallocated.length > 0) {
      const n = this.unallocated.reduce((sum, b) => sum + b.records.length, 0);
      log.info(
        `${this.streamName}: ${n} records received before the restart and in no batch yet come back from the write ahead log`,
      );
    }
  }

  /** Deletes the allocation log's files that hold only batches at or before `horizonMs`. */
  private deleteOldAllocations(horizonMs: number): void {
    const allocations = this.logs.allocations;
    if (!allocations) return;
    // In time order: batches are allocated, and the log read back, in time order.
    for (const t of this.allocationSegments.keys()) {
      if (t <= horizonMs) this.allocationSegments.delete(t);
    }
    const keepFrom = this.allocationSegments.values().next().value;
    if (!keepFrom) return;
    allocations.deleteFilesBefore(keepFrom.file).catch((e: unknown) => {
      log.warn(`Could not delete old allocation log files of ${this.streamName}`, e);
    });
  }

  private readBack(timeMs: number, batch: BatchRecord): (readonly T[])[] {
    const blocks: (readonly T[])[] = [];
    let found = 0;
    let why = 'the write ahead log is not enabled';
    if (this.wal) {
      try {
        for (const s of batch.segments) {
          const records = deserialize(this.wal.read(s)) as T[];
          blocks.push(records);
          found += records.length;
        }
      } catch (e) {
        why = messageOf(e);
        blocks.length = 0;
        found = 0;
      }
    }
    if (found < batch.records) {
      log.warn(
        'Some blocks could not be recovered as they were not found in memory. To prevent such data loss, enable Write Ahead Log (see programming guide for more details.' +
          ` ${this.streamName}: the batch of ${timeMs} ms had ${batch.records} records, received before the restart; ${batch.records - found} cannot be recovered (${why}), and the batch runs without them. Set spark.streaming.receiver.writeAheadLog.enable=true to keep received data across restarts. See docs/reliability.md.`,
      );
    } else if (found > 0) {
      log.info(
        `${this.streamName}: recovered the ${found} records of batch ${timeMs} ms from the write ahead log`,
      );
    }
    return blocks;
  }

  private keepUnlogged(block: ReceivedBlock<T>, message: string, error: unknown): void {
    // Still processed, but a crash before its batch completes loses it: say so where users look.
    this.onLogError(
      `${message}: its ${block.records.length} records are kept in memory only and would be lost by a crash`,
      error,
    );
    this.unallocated.push(block);
  }
}
