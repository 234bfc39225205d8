import { ReceiverInputDStream } from '../../../dstream/receiver-input.js';
import type { Receiver } from '../../../receiver/index.js';
import type { StreamingContext } from '../../../streaming/streaming-context.js';
import { Milliseconds } from '../../../util/duration.js';
import {
  KafkaReceiver,
  ReliableKafkaReceiver,
  type KafkaPair,
  type KafkaReceiverSettings,
} from './kafka-receiver.js';
import type { StreamSettings } from './stream-settings.js';

/**
 * The stream of `KafkaUtils.createStream`, named `Kafka stream [id]` as Spark's
 * `KafkaInputDStream`: one receiver of `threads` consumers of a group, whose blocks are the
 * batches' partitions. The receiver is Spark's reliable one when the write-ahead log is enabled.
 */
export class KafkaInputDStream extends ReceiverInputDStream<KafkaPair> {
  constructor(
    ssc: StreamingContext,
    private readonly settings: StreamSettings,
  ) {
    super(ssc);
  }

  getReceiver(): Receiver<KafkaPair> {
    const { conf, clock } = this.ssc;
    const settings: KafkaReceiverSettings = {
      ...this.settings,
      blockIntervalMs: conf.getDuration('spark.streaming.blockInterval', Milliseconds(200))
        .milliseconds,
    };
    return conf.getBoolean('spark.streaming.receiver.writeAheadLog.enable', false)
      ? new ReliableKafkaReceiver(settings, clock)
      : new KafkaReceiver(settings, clock);
  }
}
