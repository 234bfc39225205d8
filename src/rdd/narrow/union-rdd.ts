import { RDD } from '../rdd.js';
import type { SparkContext } from '../spark-context.js';
import type { Emit, TaskContext } from '../task-context.js';

/** The partitions of several RDDs, one after the other. */
export class UnionRDD<T> extends RDD<T> {
  constructor(
    context: SparkContext,
    private readonly rdds: readonly RDD<T>[],
  ) {
    super(context, rdds);
  }

  get numPartitions(): number {
    let n = 0;
    for (const r of this.rdds) n += r.numPartitions;
    return n;
  }

  protected get kind(): string {
    return 'union';
  }

  protected compute(split: number, task: TaskContext, emit: Emit<T>): void {
    let s = split;
    for (const r of this.rdds) {
      if (s < r.numPartitions) {
        r.iterate(s, task, emit);
        return;
      }
      s -= r.numPartitions;
    }
  }
}
