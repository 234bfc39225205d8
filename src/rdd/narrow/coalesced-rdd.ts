import { RDD } from '../rdd.js';
import type { Emit, TaskContext } from '../task-context.js';

/**
 * Fewer partitions without a shuffle: partition i reads a contiguous range of the parent's
 * partitions. Asking for more partitions than the parent has keeps the parent's count.
 */
export class CoalescedRDD<T> extends RDD<T> {
  private readonly partitionCount: number;

  constructor(
    private readonly parent: RDD<T>,
    numPartitions: number,
  ) {
    super(parent.context, [parent]);
    this.partitionCount = Math.min(numPartitions, parent.numPartitions);
  }

  get numPartitions(): number {
    return this.partitionCount;
  }

  protected get kind(): string {
    return 'coalesce';
  }

  protected compute(split: number, task: TaskContext, emit: Emit<T>): void {
    const p = this.parent.numPartitions;
    const end = Math.floor(((split + 1) * p) / this.partitionCount);
    for (let i = Math.floor((split * p) / this.partitionCount); i < end; i++) {
      this.parent.iterate(i, task, emit);
    }
  }
}
