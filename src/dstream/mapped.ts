import type { RDD } from '../rdd/index.js';
import type { Duration } from '../util/duration.js';
import type { Time } from '../util/time.js';
import { DStream } from './dstream.js';

/**
 * A stream whose RDD at each time is an RDD operation applied to its parent's RDD at that time:
 * `map`, `flatMap`, `filter`, `glom`, `mapPartitions`, the per-batch `*ByKey` operations, `count`,
 * `reduce`. No RDD from the parent means no RDD here.
 */
export class MappedDStream<T, U> extends DStream<U> {
  constructor(
    private readonly parent: DStream<T>,
    private readonly operation: string,
    private readonly f: (rdd: RDD<T>) => RDD<U>,
  ) {
    super(parent.ssc);
  }

  get slideDuration(): Duration {
    return this.parent.slideDuration;
  }

  get dependencies(): readonly DStream<unknown>[] {
    return [this.parent];
  }

  compute(time: Time): RDD<U> | undefined {
    const rdd = this.parent.getOrCompute(time);
    return rdd && this.f(rdd);
  }

  get operationName(): string {
    return this.operation;
  }

  override toString(): string {
    return `MappedDStream[${this.id}] (${this.operation})`;
  }
}
