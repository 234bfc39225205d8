import type { Time } from '../util/time.js';

/** What one input stream brought into one batch (frozen once reported). */
export interface StreamInputInfo {
  /** The input stream's id (`stream.inputStreamId`). */
  readonly inputStreamId: number;
  /** How many records the stream brought into the batch. */
  readonly numRecords: number;
  /**
   * What the source says about them, as in Spark: a Kafka stream's `offsets`, a file stream's
   * `files`; `Description` is what the UI shows.
   */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** A frozen copy of a stream's input info (its metadata record too; the values in it as they are). */
export function frozenInputInfo(info: StreamInputInfo): StreamInputInfo {
  if (Object.isFrozen(info) && Object.isFrozen(info.metadata)) return info;
  return Object.freeze({ ...info, metadata: Object.freeze({ ...info.metadata }) });
}

/**
 * One output operation of one batch at one moment, as Spark's `OutputOperationInfo` (an immutable
 * case class): a listener event carries the operation as it was when the event was posted, and
 * the object is frozen. `startTime` and `endTime` are wall-clock ms, `failureReason` the error's
 * stack.
 */
export class OutputOperationInfo {
  constructor(
    /** The time of the batch. */
    readonly batchTime: Time,
    /**
     * The operation's index in its batch (0, 1, ... in the order the output operations were declared).
     */
    readonly id: number,
    /** The call site that declared it, such as `foreachRDD at app.ts:12`. */
    readonly name: string,
    /** The longer description the UI shows (the call site's stack). */
    readonly description: string,
    /** When it started, in wall-clock ms; `undefined` before. */
    readonly startTime: number | undefined,
    /** When it ended, in wall-clock ms; `undefined` before. */
    readonly endTime: number | undefined,
    /** The error's stack when it failed; `undefined` when it succeeded or has not ended. */
    readonly failureReason: string | undefined,
  ) {
    Object.freeze(this);
  }

  /** `endTime − startTime`, once both are known. */
  get duration(): number | undefined {
    return this.startTime === undefined || this.endTime === undefined
      ? undefined
      : this.endTime - this.startTime;
  }
}

/**
 * One batch at one moment, as Spark's `BatchInfo` (an immutable case class): when it was submitted,
 * started and ended (wall-clock ms), what each input stream brought, and its output operations.
 * Each listener event carries its own frozen `BatchInfo`, the batch as it was when the event was
 * posted: `onBatchSubmitted` has no processing times, `onBatchStarted` a start time,
 * `onBatchCompleted` both. The UI and the JSON API are built on these snapshots. The delays are
 * derived: scheduling delay = start − submission, processing delay = end − start, total = both.
 *
 * The maps are the snapshot's own (built from the ones given); their values are frozen.
 */
export class BatchInfo {
  /** What each input stream brought into the batch, by its id. */
  readonly streamIdToInputInfo: ReadonlyMap<number, StreamInputInfo>;
  /** The batch's output operations, by their id. */
  readonly outputOperationInfos: ReadonlyMap<number, OutputOperationInfo>;

  constructor(
    /** The time of the batch. */
    readonly batchTime: Time,
    streamIdToInputInfo: ReadonlyMap<number, StreamInputInfo>,
    /** When the batch's jobs were submitted, in wall-clock ms. */
    readonly submissionTime: number,
    /** When its first job started, in wall-clock ms; `undefined` before. */
    readonly processingStartTime: number | undefined,
    /** When its last job ended, in wall-clock ms; `undefined` before. */
    readonly processingEndTime: number | undefined,
    outputOperationInfos: ReadonlyMap<number, OutputOperationInfo>,
  ) {
    const inputs = new Map<number, StreamInputInfo>();
    for (const [id, info] of streamIdToInputInfo) inputs.set(id, frozenInputInfo(info));
    const ops = new Map<number, OutputOperationInfo>();
    for (const [id, op] of outputOperationInfos) ops.set(id, Object.freeze(op));
    this.streamIdToInputInfo = inputs;
    this.outputOperationInfos = ops;
    Object.freeze(this);
  }

  /**
   * How long the batch waited for earlier ones: processing start − submission, in ms (Spark's `schedulingDelay`).
   */
  get schedulingDelay(): number | undefined {
    return this.processingStartTime === undefined
      ? undefined
      : this.processingStartTime - this.submissionTime;
  }

  /** How long its jobs ran: processing end − processing start, in ms. */
  get processingDelay(): number | undefined {
    return this.processingStartTime === undefined || this.processingEndTime === undefined
      ? undefined
      : this.processingEndTime - this.processingStartTime;
  }

  /** Scheduling delay plus processing delay, in ms. */
  get totalDelay(): number | undefined {
    const s = this.schedulingDelay;
    const p = this.processingDelay;
    return s === undefined || p === undefined ? undefined : s + p;
  }

  /** How many records all input streams brought into the batch. */
  get numRecords(): number {
    let n = 0;
    for (const info of this.streamIdToInputInfo.values()) n += info.numRecords;
    return n;
  }

  /** The first failure among the output operations, if any. */
  get failureReason(): string | undefined {
    for (const op of this.outputOperationInfos.values())
      if (op.failureReason) return op.failureReason;
    return undefined;
  }
}
