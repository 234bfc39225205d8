import type { RDD } from '../../rdd/index.js';
import type { DStream } from '../../dstream/dstream.js';
import { StreamingContext } from '../../streaming/streaming-context.js';
import { QueueInputDStream } from './queue-input-dstream.js';

declare module '../../streaming/streaming-context.js' {
  interface StreamingContext {
    /**
     * A stream fed from an array of RDDs used as a queue: push RDDs to it while the context runs.
     * Each batch takes one (or, with `oneAtATime = false`, all queued); an empty queue gives
     * `defaultRDD`, else an empty RDD.
     */
    queueStream<T>(queue: RDD<T>[], oneAtATime?: boolean, defaultRDD?: RDD<T> | null): DStream<T>;
  }
}

StreamingContext.prototype.queueStream = function <T>(
  this: StreamingContext,
  queue: RDD<T>[],
  oneAtATime = true,
  defaultRDD?: RDD<T> | null,
): DStream<T> {
  const fallback = defaultRDD === undefined ? this.sparkContext.parallelize<T>([], 1) : defaultRDD;
  return new QueueInputDStream(this, queue, oneAtATime, fallback);
};
