import { ReceiverInputDStream } from '../../../dstream/receiver-input.js';
import type { Receiver } from '../../../receiver/index.js';
import type { StreamingContext } from '../../../streaming/streaming-context.js';
import type { SparkFlumeEvent } from '../spark-flume-event.js';
import { FlumeReceiver } from './flume-receiver.js';

/**
 * The stream of `FlumeUtils.createStream`, as Spark's `FlumeInputDStream`: the events Flume Avro
 * sinks send to an Avro source this application runs on `host:port`.
 */
export class FlumeInputDStream extends ReceiverInputDStream<SparkFlumeEvent> {
  /** Made by `FlumeUtils.createStream`. @internal */
  constructor(
    ssc: StreamingContext,
    /** The address the Avro source listens on. */
    readonly host: string,
    /** Its port. */
    readonly port: number,
  ) {
    super(ssc);
  }

  getReceiver(): Receiver<SparkFlumeEvent> {
    const reliable = this.ssc.conf.getBoolean(
      'spark.streaming.receiver.writeAheadLog.enable',
      false,
    );
    return new FlumeReceiver(this.host, this.port, reliable);
  }
}
