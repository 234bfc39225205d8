import { DStreamError } from '../../errors.js';
import { StreamingContext } from '../../streaming/streaming-context.js';
import type { ReceiverInputDStream } from '../../dstream/receiver-input.js';
import { attachOperations, type Implementation } from '../../util/attach.js';
import { SocketInputDStream } from './socket-input-dstream.js';

/** The socket source's entry point on the context. */
export interface SocketStreamFunctions {
  /**
   * The lines of text a TCP server sends, as Spark's `socketTextStream`: a client connects to
   * `host:port`, decodes UTF-8 and splits lines at `\n`, `\r\n` or `\r`. When the connection is
   * refused or lost, the receiver logs a warning and reconnects every
   * `spark.streaming.receiverRestartDelay` (2 s); the application keeps running.
   *
   * @example
   * ```ts
   * // in another terminal: nc -lk 9999
   * const lines = ssc.socketTextStream('localhost', 9999);
   * lines.flatMap((l) => l.split(' ')).countByValue().print();
   * ```
   */
  socketTextStream(host: string, port: number): ReceiverInputDStream<string>;
}

declare module '../../streaming/streaming-context.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- StreamingContext gets SocketStreamFunctions' members
  interface StreamingContext extends SocketStreamFunctions {}
}

const socketStreamFunctions: Implementation<SocketStreamFunctions, StreamingContext> = {
  socketTextStream(host, port) {
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new DStreamError(
        'DSTREAM_ERR_INVALID_ARGUMENT',
        `port out of range:${port} (a TCP port is an integer from 0 to 65535)`,
      );
    }
    return new SocketInputDStream(this, host, port);
  },
};

attachOperations(StreamingContext.prototype, socketStreamFunctions);
