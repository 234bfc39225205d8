import { HashPartitioner } from '../../rdd/partitioner.js';
import { RDD } from '../../rdd/rdd.js';
import type { SparkContext } from '../../rdd/spark-context.js';
import type { Emit, TaskContext } from '../../rdd/task-context.js';
import { computeInFrame } from './origin.js';
import { taskThreadRuntime, type ProvidedRdd } from './runtime.js';

/**
 * Computes a stream's RDD for a batch time with its origin recorded (see `origin.ts`). In a task
 * thread, the RDDs the driver ships (input batches, earlier state) are read from the driver
 * instead: an input stream never computes there (it would read its source a second time).
 */
export function computeStreamRDD<T>(
  context: SparkContext,
  streamId: number,
  timeMs: number,
  isInput: boolean,
  compute: () => RDD<T> | undefined,
): RDD<T> | undefined {
  const runtime = taskThreadRuntime();
  if (runtime) {
    const provided = runtime.provided(streamId, timeMs);
    if (provided)
      return computeInFrame(streamId, timeMs, () => new DriverRDD<T>(context, provided));
    if (isInput) return undefined; // the driver had no RDD for this input at this time
  }
  return computeInFrame(streamId, timeMs, compute);
}

/** In a task thread: an RDD of the driver, whose partitions are fetched from it as blocks. */
export class DriverRDD<T> extends RDD<T> {
  constructor(
    context: SparkContext,
    private readonly source: ProvidedRdd,
  ) {
    super(context, []);
    if (source.hashPartitions !== undefined) {
      this.partitioner = new HashPartitioner(source.hashPartitions);
    }
  }

  get numPartitions(): number {
    return this.source.numPartitions;
  }

  protected get kind(): string {
    return 'driver data';
  }

  protected compute(split: number, _task: TaskContext, emit: Emit<T>): void {
    taskThreadRuntime()!.readPartition(this.source.rddId, split, (items) => {
      for (let i = 0; i < items.length; i++) emit(items[i] as T);
    });
  }
}
