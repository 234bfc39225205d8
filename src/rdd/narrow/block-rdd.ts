import { RDD } from '../rdd.js';
import type { SparkContext } from '../spark-context.js';
import type { Emit, TaskContext } from '../task-context.js';

/** An RDD whose partitions are given blocks of records, one partition per block (receivers). */
export class BlockRDD<T> extends RDD<T> {
  constructor(
    context: SparkContext,
    private readonly blocks: readonly (readonly T[])[],
    private readonly label = 'blocks',
  ) {
    super(context, []);
  }

  get numPartitions(): number {
    return this.blocks.length;
  }

  protected get kind(): string {
    return this.label;
  }

  protected compute(split: number, _task: TaskContext, emit: Emit<T>): void {
    const block = this.blocks[split]!;
    for (let i = 0; i < block.length; i++) emit(block[i]!);
  }

  protected override heldPartition(split: number): readonly T[] {
    return this.blocks[split]!;
  }
}
