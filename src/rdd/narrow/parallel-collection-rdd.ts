import { RDD, type ArraySlice } from '../rdd.js';
import type { SparkContext } from '../spark-context.js';
import type { Emit, TaskContext } from '../task-context.js';

/**
 * A local collection cut into `numSlices` partitions by position, as Spark's `parallelize`: of n
 * elements, partition j of p holds positions floor(j*n/p) .. floor((j+1)*n/p)-1.
 */
export class ParallelCollectionRDD<T> extends RDD<T> {
  constructor(
    context: SparkContext,
    private readonly data: readonly T[],
    private readonly numSlices: number,
  ) {
    super(context, []);
  }

  get numPartitions(): number {
    return this.numSlices;
  }

  protected get kind(): string {
    return 'parallelize';
  }

  protected compute(split: number, _task: TaskContext, emit: Emit<T>): void {
    const { items, start, end } = this.heldPartition(split);
    for (let i = start; i < end; i++) emit(items[i]!);
  }

  protected override heldPartition(split: number): ArraySlice<T> {
    return positionalSlice(this.data, split, this.numSlices);
  }
}

/** Partition `split` of `items` cut into `numSlices` by position, as Spark slices a collection. */
export function positionalSlice<T>(
  items: readonly T[],
  split: number,
  numSlices: number,
): ArraySlice<T> {
  const n = items.length;
  const start = Math.floor((split * n) / numSlices);
  return { items, start, end: Math.floor(((split + 1) * n) / numSlices) };
}
