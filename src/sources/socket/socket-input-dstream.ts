import type { Receiver } from '../../receiver/index.js';
import type { StreamingContext } from '../../streaming/streaming-context.js';
import { ReceiverInputDStream } from '../../dstream/receiver-input.js';
import { SocketReceiver } from './socket-receiver.js';

/** The stream of `ssc.socketTextStream(host, port)`, named `Socket stream [id]` as in Spark. */
export class SocketInputDStream extends ReceiverInputDStream<string> {
  constructor(
    ssc: StreamingContext,
    readonly host: string,
    readonly port: number,
  ) {
    super(ssc);
  }

  getReceiver(): Receiver<string> {
    return new SocketReceiver(this.host, this.port);
  }
}
