import type { Receiver } from '../../receiver/index.js';
import { ReceiverInputDStream } from '../../dstream/receiver-input.js';
import type { StreamingContext } from '../../streaming/streaming-context.js';
import { RawNetworkReceiver } from './raw-network-receiver.js';

/** The stream of `ssc.rawSocketStream(host, port)`, named `Raw stream [id]` as Spark's. */
export class RawInputDStream extends ReceiverInputDStream<string> {
  constructor(
    ssc: StreamingContext,
    readonly host: string,
    readonly port: number,
  ) {
    super(ssc);
  }

  getReceiver(): Receiver<string> {
    return new RawNetworkReceiver(this.host, this.port);
  }
}
