import type { RDD } from '../../rdd/index.js';
import type { DStream } from '../../dstream/dstream.js';
import { StreamingContext } from '../../streaming/streaming-context.js';
import { attachOperations, type Implementation } from '../../util/attach.js';
import { QueueInputDStream } from './queue-input-dstream.js';

/** The queue source's entry point on the context. */
export interface QueueStreamFunctions {
  /**
   * A stream fed from an array of RDDs used as a queue, like Spark's `queueStream`: push RDDs to
   * it while the context runs. Each batch takes one (or, with `oneAtATime = false`, all queued);
   * an empty queue gives `defaultRDD`, else an empty RDD. Queued data cannot be recovered from a
   * checkpoint: use it for tests and demos.
   *
   * @example
   * ```ts
   * const queue = [ssc.sparkContext.parallelize([1, 2]), ssc.sparkContext.parallelize([3])];
   * ssc.queueStream(queue).print(); // 1 and 2 in the first batch, 3 in the second
   * ```
   */
  queueStream<T>(queue: RDD<T>[], oneAtATime?: boolean, defaultRDD?: RDD<T> | null): DStream<T>;
}

declare module '../../streaming/streaming-context.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- StreamingContext gets QueueStreamFunctions' members
  interface StreamingContext extends QueueStreamFunctions {}
}

const queueStreamFunctions: Implementation<QueueStreamFunctions, StreamingContext> = {
  queueStream<T>(queue: RDD<T>[], oneAtATime = true, defaultRDD?: RDD<T> | null) {
    const fallback =
      defaultRDD === undefined ? this.sparkContext.parallelize<T>([], 1) : defaultRDD;
    return new QueueInputDStream(this, queue, oneAtATime, fallback);
  },
};

attachOperations(StreamingContext.prototype, queueStreamFunctions);
