import type { Time } from '../util/time.js';

/** What one input stream brought into one batch. */
export interface StreamInputInfo {
  readonly inputStreamId: number;
  readonly numRecords: number;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** One output operation of one batch, as Spark's `OutputOperationInfo`. */
export interface OutputOperationInfo {
  readonly batchTime: Time;
  readonly id: number;
  readonly name: string;
  readonly description: string;
  startTime: number | undefined;
  endTime: number | undefined;
  failureReason: string | undefined;
}

/**
 * One batch, as Spark's `BatchInfo`: when it was submitted, started and ended (wall-clock ms),
 * what each input stream brought, and its output operations. The delays are derived:
 * scheduling delay = start − submission, processing delay = end − start, total = both.
 */
export class BatchInfo {
  processingStartTime: number | undefined;
  processingEndTime: number | undefined;

  constructor(
    readonly batchTime: Time,
    readonly streamIdToInputInfo: ReadonlyMap<number, StreamInputInfo>,
    readonly submissionTime: number,
    readonly outputOperationInfos: ReadonlyMap<number, OutputOperationInfo>,
  ) {}

  get schedulingDelay(): number | undefined {
    return this.processingStartTime === undefined
      ? undefined
      : this.processingStartTime - this.submissionTime;
  }

  get processingDelay(): number | undefined {
    return this.processingStartTime === undefined || this.processingEndTime === undefined
      ? undefined
      : this.processingEndTime - this.processingStartTime;
  }

  get totalDelay(): number | undefined {
    const s = this.schedulingDelay;
    const p = this.processingDelay;
    return s === undefined || p === undefined ? undefined : s + p;
  }

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
