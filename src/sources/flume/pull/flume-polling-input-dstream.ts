import { ReceiverInputDStream } from '../../../dstream/receiver-input.js';
import type { Receiver } from '../../../receiver/index.js';
import type { StreamingContext } from '../../../streaming/streaming-context.js';
import type { FlumeAddress } from '../flume-utils.js';
import type { SparkFlumeEvent } from '../spark-flume-event.js';
import { FlumePollingReceiver, type PollingSettings } from './flume-polling-receiver.js';

/**
 * The stream of `FlumeUtils.createPollingStream`, as Spark's `FlumePollingInputDStream`: the
 * events fetched from Spark's SparkSinks inside Flume agents, one block per batch fetched.
 */
export class FlumePollingInputDStream extends ReceiverInputDStream<SparkFlumeEvent> {
  /** Made by `FlumeUtils.createPollingStream`. @internal */
  constructor(
    ssc: StreamingContext,
    /** The SparkSinks polled. */
    readonly addresses: readonly FlumeAddress[],
    private readonly settings: PollingSettings,
  ) {
    super(ssc);
  }

  getReceiver(): Receiver<SparkFlumeEvent> {
    return new FlumePollingReceiver(this.addresses, this.settings, this.ssc.clock);
  }
}
