import type { RDD } from '../rdd/index.js';
import type { Receiver } from '../receiver/index.js';
import { StreamingContext } from '../streaming/streaming-context.js';
import { attachOperations, type Implementation } from '../util/attach.js';
import type { Time } from '../util/time.js';
import type { DStream } from './dstream.js';
import { PluggableInputDStream, type ReceiverInputDStream } from './receiver-input.js';
import { TransformedDStream } from './transformed.js';
import { UnionDStream } from './union.js';

/**
 * Operations of the context that need no source of their own: over several streams, and a stream
 * fed by a custom receiver.
 */
export interface ContextFunctions {
  /** The elements of all the streams, batch by batch (same context, same slide). */
  union<T>(streams: readonly DStream<T>[]): DStream<T>;
  /** A function of the RDDs of several streams (in order) and the batch time, each batch. */
  transform<T>(
    streams: readonly DStream<unknown>[],
    f: (rdds: RDD<unknown>[], time: Time) => RDD<T>,
  ): DStream<T>;
  /**
   * A stream fed by a custom {@link Receiver}, as Spark's `receiverStream`: the receiver runs on
   * the driver's event loop while the context runs, and each batch holds what it stored since
   * the previous batch, one partition per block.
   *
   * @example
   * ```ts
   * ssc.receiverStream(new MyReceiver()).count().print();
   * ```
   */
  receiverStream<T>(receiver: Receiver<T>): ReceiverInputDStream<T>;
}

declare module '../streaming/streaming-context.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- StreamingContext gets ContextFunctions' members
  interface StreamingContext extends ContextFunctions {}
}

const contextFunctions: Implementation<ContextFunctions, StreamingContext> = {
  union(streams) {
    return new UnionDStream(streams);
  },

  transform(streams, f) {
    return new TransformedDStream(streams, f);
  },

  receiverStream(receiver) {
    return new PluggableInputDStream(this, receiver);
  },
};

attachOperations(StreamingContext.prototype, contextFunctions);
