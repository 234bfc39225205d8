import { DStreamError } from '../../errors.js';
import type { StorageLevel } from '../../rdd/storage-level.js';
import { StreamingContext } from '../../streaming/streaming-context.js';
import type { ReceiverInputDStream } from '../../dstream/receiver-input.js';
import { attachOperations, type Implementation } from '../../util/attach.js';
import { RawInputDStream } from './raw-input-dstream.js';
import { SocketInputDStream } from './socket-input-dstream.js';

/** The socket source's entry point on the context. */
export interface SocketStreamFunctions {
  /**
   * The lines of text a TCP server sends, as Spark's `socketTextStream`: a client connects to
   * `host:port`, decodes UTF-8 and splits lines at `\n`, `\r\n` or `\r`. When the connection is
   * refused or lost, the receiver logs a warning and reconnects every
   * `spark.streaming.receiverRestartDelay` (2 s); the application keeps running. `storageLevel`
   * is accepted for Spark's signature (its default is `MEMORY_AND_DISK_SER_2`); received blocks
   * stay in the driver's memory whatever it says (docs/rdd.md, "Storage levels: `persist(level)`").
   *
   * @example
   * ```ts
   * // in another terminal: nc -lk 9999
   * const lines = ssc.socketTextStream('localhost', 9999);
   * lines.flatMap((l) => l.split(' ')).countByValue().print();
   * ```
   */
  socketTextStream(
    host: string,
    port: number,
    storageLevel?: StorageLevel,
  ): ReceiverInputDStream<string>;
  /**
   * The records of the blocks a TCP server sends, as Spark's `rawSocketStream`: a client connects
   * to `host:port` and reads frames, each a 4-byte big-endian length and that many bytes, and
   * stores each frame's records as one block at once (no block interval, no rate limit, as
   * Spark's). Spark's frames hold records serialized by a JVM serializer; here a frame's records
   * are UTF-8 strings, each a 4-byte big-endian byte length and its bytes: `encodeRawBlock(records)`
   * makes a frame. The end of the stream (`End of channel`) or an error restarts the receiver,
   * which reconnects every `spark.streaming.receiverRestartDelay` (2 s); a malformed block is
   * dropped and reported to listeners (`DSTREAM_ERR_RAW_SOCKET_BLOCK`). `storageLevel` is accepted
   * as in `socketTextStream`.
   *
   * @example
   * ```ts
   * // A sender writes encodeRawBlock(['a b', 'c']) frames to port 9999.
   * ssc.rawSocketStream('localhost', 9999).flatMap((r) => r.split(' ')).countByValue().print();
   * ```
   */
  rawSocketStream(
    host: string,
    port: number,
    storageLevel?: StorageLevel,
  ): ReceiverInputDStream<string>;
}

declare module '../../streaming/streaming-context.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- StreamingContext gets SocketStreamFunctions' members
  interface StreamingContext extends SocketStreamFunctions {}
}

/** Java's check of a socket address's port, with its message. */
function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      `port out of range:${port} (a TCP port is an integer from 0 to 65535)`,
    );
  }
}

const socketStreamFunctions: Implementation<SocketStreamFunctions, StreamingContext> = {
  socketTextStream(host, port) {
    checkPort(port);
    return new SocketInputDStream(this, host, port);
  },
  rawSocketStream(host, port) {
    checkPort(port);
    return new RawInputDStream(this, host, port);
  },
};

attachOperations(StreamingContext.prototype, socketStreamFunctions);
