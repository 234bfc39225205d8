import { constants } from 'node:buffer';
import { DStreamError } from '../../errors.js';
import type { Receiver } from '../../receiver/index.js';
import type { StreamingContext } from '../../streaming/streaming-context.js';
import { ReceiverInputDStream } from '../../dstream/receiver-input.js';
import { MAX_LINE_LENGTH, SocketReceiver } from './socket-receiver.js';

/** The stream of `ssc.socketTextStream(host, port)`, named `Socket stream [id]` as in Spark. */
export class SocketInputDStream extends ReceiverInputDStream<string> {
  private readonly maxLineLength: number;

  constructor(
    ssc: StreamingContext,
    readonly host: string,
    readonly port: number,
  ) {
    super(ssc);
    // Checked where the stream is declared, as Spark checks a stream's settings.
    const limit = ssc.conf.getNumber(MAX_LINE_LENGTH, constants.MAX_STRING_LENGTH);
    if (!Number.isInteger(limit) || limit < 1 || limit > constants.MAX_STRING_LENGTH) {
      throw new DStreamError(
        'DSTREAM_ERR_INVALID_CONF',
        `Invalid value '${limit}' for ${MAX_LINE_LENGTH}: expected a whole number of characters from 1 to ${constants.MAX_STRING_LENGTH}`,
      );
    }
    this.maxLineLength = limit;
  }

  getReceiver(): Receiver<string> {
    return new SocketReceiver(this.host, this.port, this.maxLineLength);
  }
}
