import type { PartitionSource } from '../partition-source.js';
import { RDD } from '../rdd.js';
import type { SparkContext } from '../spark-context.js';
import type { Emit, TaskContext } from '../task-context.js';

/**
 * The union of RDDs as Spark's `SparkContext.union` makes it: RDDs with no partition are dropped;
 * when all the others are placed by one same partitioner, partition i is partition i of each (the
 * partitioner is kept, so a later keyed operation needs no shuffle); otherwise their partitions
 * follow one another.
 */
export function unionOf<T>(context: SparkContext, rdds: readonly RDD<T>[]): RDD<T> {
  const nonEmpty = rdds.filter((r) => r.numPartitions > 0);
  const first = nonEmpty[0]?.partitioner;
  if (first && nonEmpty.every((r) => first.equals(r.partitioner))) {
    return new PartitionerAwareUnionRDD(context, nonEmpty);
  }
  return new UnionRDD(context, nonEmpty);
}

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
    const [r, s] = this.parentPartition(split);
    r?.iterate(s, task, emit);
  }

  override partitionSource(split: number): PartitionSource | undefined {
    const [r, s] = this.parentPartition(split);
    return r && !r.isPersisted ? r.partitionSource(s) : undefined;
  }

  /** The parent RDD and its partition that partition `split` of the union is. */
  private parentPartition(split: number): [RDD<T> | undefined, number] {
    let s = split;
    for (const r of this.rdds) {
      if (s < r.numPartitions) return [r, s];
      s -= r.numPartitions;
    }
    return [undefined, s];
  }
}

/** RDDs placed by one partitioner: partition i is partition i of each, in order. */
export class PartitionerAwareUnionRDD<T> extends RDD<T> {
  constructor(
    context: SparkContext,
    private readonly rdds: readonly RDD<T>[],
  ) {
    super(context, rdds);
    this.partitioner = rdds[0]!.partitioner;
  }

  get numPartitions(): number {
    return this.partitioner!.numPartitions;
  }

  protected get kind(): string {
    return 'union';
  }

  protected compute(split: number, task: TaskContext, emit: Emit<T>): void {
    for (const r of this.rdds) r.iterate(split, task, emit);
  }
}
