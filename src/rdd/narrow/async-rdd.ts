import { DStreamError } from '../../errors.js';
import { RDD, type ArraySlice } from '../rdd.js';
import type { SparkContext } from '../spark-context.js';
import type { Emit, TaskContext } from '../task-context.js';
import { positionalSlice } from './parallel-collection-rdd.js';

/**
 * An RDD whose records an asynchronous function produces: a query on an external engine, a lookup
 * in a store. The function runs once, on the driver, when the first job that reads this RDD
 * starts (the scheduler prepares every such RDD of a job's lineage, parents first, before any
 * task); it may itself run jobs on other RDDs. Its records are then cut into `numSlices`
 * partitions by position, as `parallelize` cuts a collection. Task threads read them from the
 * driver. Made by `sparkContext.fromAsync`.
 *
 * This is how a stream in the middle of a graph does asynchronous work per batch: its
 * `compute(time)` (or a `transform` function) stays synchronous and returns an RDD that carries
 * the work, which then runs with the batch's jobs, inside its processing time.
 */
export class AsyncRDD<T> extends RDD<T> {
  private preparing: Promise<void> | undefined;
  private records: readonly T[] | undefined;

  constructor(
    context: SparkContext,
    private readonly produce: () => Promise<readonly T[]>,
    private readonly numSlices: number,
  ) {
    super(context, []);
  }

  get numPartitions(): number {
    return this.numSlices;
  }

  protected get kind(): string {
    return 'fromAsync';
  }

  override get needsPreparation(): boolean {
    return true;
  }

  /** Runs the function once; a failure fails the job, and the next job runs it again. */
  override prepare(): Promise<void> {
    this.preparing ??= this.produce().then(
      (records) => {
        this.records = records;
      },
      (e: unknown) => {
        this.preparing = undefined;
        throw e;
      },
    );
    return this.preparing;
  }

  protected compute(split: number, _task: TaskContext, emit: Emit<T>): void {
    const { items, start, end } = this.heldPartition(split);
    for (let i = start; i < end; i++) emit(items[i]!);
  }

  protected override heldPartition(split: number): ArraySlice<T> {
    const records = this.records;
    if (records === undefined) {
      throw new DStreamError(
        'DSTREAM_ERR_NOT_PREPARED',
        `${this.toString()} is read before its asynchronous function has run: read it through an RDD action`,
      );
    }
    return positionalSlice(records, split, this.numSlices);
  }
}
