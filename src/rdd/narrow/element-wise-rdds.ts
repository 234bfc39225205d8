import { RDD } from '../rdd.js';
import type { Emit, TaskContext } from '../task-context.js';

/** `map`: one output per element. Fused with its parent: no array between them. */
export class MappedRDD<T, U> extends RDD<U> {
  constructor(
    private readonly parent: RDD<T>,
    private readonly f: (item: T) => U,
    preservesPartitioning = false,
  ) {
    super(parent.context, [parent]);
    if (preservesPartitioning) this.partitioner = parent.partitioner;
  }

  get numPartitions(): number {
    return this.parent.numPartitions;
  }

  protected get kind(): string {
    return 'map';
  }

  protected compute(split: number, task: TaskContext, emit: Emit<U>): void {
    const f = this.f;
    this.parent.iterate(split, task, (x) => emit(f(x)));
  }
}

/** `filter`: the elements for which the predicate holds. */
export class FilteredRDD<T> extends RDD<T> {
  constructor(
    private readonly parent: RDD<T>,
    private readonly p: (item: T) => boolean,
  ) {
    super(parent.context, [parent]);
    this.partitioner = parent.partitioner;
  }

  get numPartitions(): number {
    return this.parent.numPartitions;
  }

  protected get kind(): string {
    return 'filter';
  }

  protected compute(split: number, task: TaskContext, emit: Emit<T>): void {
    const p = this.p;
    this.parent.iterate(split, task, (x) => {
      if (p(x)) emit(x);
    });
  }
}

/** `flatMap`: zero or more outputs per element. */
export class FlatMappedRDD<T, U> extends RDD<U> {
  constructor(
    private readonly parent: RDD<T>,
    private readonly f: (item: T) => Iterable<U>,
    preservesPartitioning = false,
  ) {
    super(parent.context, [parent]);
    if (preservesPartitioning) this.partitioner = parent.partitioner;
  }

  get numPartitions(): number {
    return this.parent.numPartitions;
  }

  protected get kind(): string {
    return 'flatMap';
  }

  protected compute(split: number, task: TaskContext, emit: Emit<U>): void {
    const f = this.f;
    this.parent.iterate(split, task, (x) => {
      const out = f(x);
      if (Array.isArray(out)) {
        for (let i = 0; i < out.length; i++) emit(out[i] as U);
      } else {
        for (const y of out) emit(y);
      }
    });
  }
}
