import { InputDStream } from '../dstream/input.js';
import type { RDD } from '../rdd/index.js';
import type { StreamingContext } from '../streaming/streaming-context.js';
import type { Time } from '../util/time.js';

/**
 * Batch k (1-based) gives the k-th input array, sliced into `partitions` partitions by position;
 * `null` gives no RDD at all; batches past the end give an empty RDD (Spark's TestInputStream).
 */
export class TestInputStream<T> extends InputDStream<T> {
  constructor(
    ssc: StreamingContext,
    private readonly input: readonly (readonly T[] | null)[],
    private readonly partitions: number,
  ) {
    super(ssc);
  }

  compute(time: Time): RDD<T> | undefined {
    const index = time.minus(this.zeroTime!).milliseconds / this.slideDuration.milliseconds - 1;
    const selected = index < this.input.length ? this.input[index] : [];
    if (selected === null || selected === undefined) return undefined;
    this.ssc.inputInfoTracker.reportInfo(time, {
      inputStreamId: this.inputStreamId,
      numRecords: selected.length,
      metadata: {},
    });
    return this.ssc.sparkContext.parallelize(selected, this.partitions);
  }
}
