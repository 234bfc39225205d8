import { RDD } from '../rdd.js';
import type { Emit, TaskContext } from '../task-context.js';

/** `mapPartitions` (and `glom`): a function of a whole partition. */
export class MapPartitionsRDD<T, U> extends RDD<U> {
  constructor(
    private readonly parent: RDD<T>,
    private readonly f: (items: T[], partition: number) => Iterable<U>,
    preservesPartitioning = false,
    private readonly label = 'mapPartitions',
  ) {
    super(parent.context, [parent]);
    if (preservesPartitioning) this.partitioner = parent.partitioner;
  }

  get numPartitions(): number {
    return this.parent.numPartitions;
  }

  protected get kind(): string {
    return this.label;
  }

  protected compute(split: number, task: TaskContext, emit: Emit<U>): void {
    for (const y of this.f(this.parent.partitionArray(split, task), split)) emit(y);
  }
}
