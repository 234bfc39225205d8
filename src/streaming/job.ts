import type { Time } from '../util/time.js';
import type { StreamInputInfo } from './batch-info.js';

/** The work of one output operation for one batch: its RDD is computed, `run` runs the action. */
export class Job {
  outputOpId = 0;

  constructor(
    readonly time: Time,
    readonly name: string,
    /** The long call site of the output operation (Spark's `OutputOperationInfo.description`). */
    readonly description: string,
    readonly run: () => Promise<void>,
  ) {}

  /** Spark's job id: `streaming job <time> ms.<outputOpId>`. */
  get id(): string {
    return `streaming job ${this.time.milliseconds} ms.${this.outputOpId}`;
  }
}

/** The jobs of one batch and what its input streams brought. */
export interface JobSet {
  readonly time: Time;
  readonly jobs: readonly Job[];
  readonly inputInfos: ReadonlyMap<number, StreamInputInfo>;
}
