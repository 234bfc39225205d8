import type { RDD } from '../rdd/index.js';
import { StreamingContext } from '../streaming/streaming-context.js';
import type { Time } from '../util/time.js';
import type { DStream } from './dstream.js';
import { TransformedDStream } from './transformed.js';
import { UnionDStream } from './union.js';

// Operations of the context over several streams.
declare module '../streaming/streaming-context.js' {
  interface StreamingContext {
    /** The elements of all the streams, batch by batch (same context, same slide). */
    union<T>(streams: readonly DStream<T>[]): DStream<T>;
    /** A function of the RDDs of several streams (in order) and the batch time, each batch. */
    transform<T>(
      streams: readonly DStream<unknown>[],
      f: (rdds: RDD<unknown>[], time: Time) => RDD<T>,
    ): DStream<T>;
  }
}

StreamingContext.prototype.union = function <T>(streams: readonly DStream<T>[]): DStream<T> {
  return new UnionDStream(streams);
};

StreamingContext.prototype.transform = function <T>(
  streams: readonly DStream<unknown>[],
  f: (rdds: RDD<unknown>[], time: Time) => RDD<T>,
): DStream<T> {
  return new TransformedDStream<T>(streams, f);
};
