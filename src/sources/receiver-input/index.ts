import type { Receiver } from '../../receiver/index.js';
import { StreamingContext } from '../../streaming/streaming-context.js';
import { PluggableInputDStream, type ReceiverInputDStream } from './receiver-input-dstream.js';

declare module '../../streaming/streaming-context.js' {
  interface StreamingContext {
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
}

StreamingContext.prototype.receiverStream = function <T>(
  this: StreamingContext,
  receiver: Receiver<T>,
): ReceiverInputDStream<T> {
  return new PluggableInputDStream(this, receiver);
};
