import { RDD } from '../rdd.js';
import type { Emit, TaskContext } from '../task-context.js';

/**
 * `zipWithIndex`: each element with its index, counted by partition, then position. Partition i
 * starts after the elements of partitions 0..i-1; Spark counts them with a job when the RDD is
 * declared, this RDD counts them (once) when a partition first needs them, since the lineage
 * is already computable in the task.
 */
export class ZippedWithIndexRDD<T> extends RDD<readonly [T, number]> {
  private readonly sizes: number[] = [];

  constructor(private readonly parent: RDD<T>) {
    super(parent.context, [parent]);
  }

  get numPartitions(): number {
    return this.parent.numPartitions;
  }

  protected get kind(): string {
    return 'zipWithIndex';
  }

  protected compute(split: number, task: TaskContext, emit: Emit<readonly [T, number]>): void {
    let index = 0;
    for (let i = 0; i < split; i++) index += this.sizeOf(i, task);
    let n = 0;
    this.parent.iterate(split, task, (x) => emit([x, index + n++]));
    this.sizes[split] = n;
  }

  private sizeOf(split: number, task: TaskContext): number {
    let n = this.sizes[split];
    if (n === undefined) {
      n = 0;
      this.parent.iterate(split, task, () => n!++);
      this.sizes[split] = n;
    }
    return n;
  }
}
