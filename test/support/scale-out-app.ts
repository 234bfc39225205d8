// A process of a scale-out application in the recovery tests: a manual clock, 1 s batches,
// checkpoints in a directory it is recovered from when they exist, and a direct stream reading
// one topic as a member of a group with spark.streaming.kafka.scaleOut.
import { Consumer } from '@platformatic/kafka';
import { ConsumerStrategies, KafkaUtils, LocationStrategies } from 'dstream/kafka';
import type { DirectKafkaInputDStream } from 'dstream/kafka';
import { ManualClock, Seconds, StreamingContext } from 'dstream';
import { bootstrap } from './kafka-broker.js';

export interface ScaleOutAppOptions {
  readonly appName: string;
  /** The checkpoint directory: recovered from when it holds a checkpoint. */
  readonly dir: string;
  readonly topic: string;
  readonly group: string;
  /** The clock's time at start. */
  readonly now: number;
}

/** The context (new or recovered) and its clock; `declare` adds the outputs to the stream. */
export function scaleOutApp(
  o: ScaleOutAppOptions,
  declare: (stream: DirectKafkaInputDStream<string, string>) => void,
): { ssc: StreamingContext; clock: ManualClock } {
  const clock = new ManualClock(o.now);
  const ssc = StreamingContext.getOrCreate(o.dir, () => {
    const ssc = new StreamingContext({
      master: 'local[2]',
      appName: o.appName,
      batchDuration: Seconds(1),
      clock,
      conf: { 'spark.streaming.kafka.scaleOut': 'true', 'spark.ui.enabled': 'false' },
    });
    ssc.checkpoint(o.dir);
    declare(
      KafkaUtils.createDirectStream<string, string>(
        ssc,
        LocationStrategies.PreferConsistent,
        ConsumerStrategies.Subscribe([o.topic], {
          'bootstrap.servers': bootstrap(),
          'group.id': o.group,
          'auto.offset.reset': 'earliest',
        }),
      ),
    );
    return ssc;
  });
  return { ssc, clock };
}

/**
 * Another process of `group` reading `topic`, as a plain Kafka consumer that joins the group and
 * takes its share of the partitions (close it to leave the group).
 */
export async function otherProcess(topic: string, group: string): Promise<Consumer> {
  const other = new Consumer({
    clientId: 'other-process',
    groupId: group,
    bootstrapBrokers: [bootstrap()],
    sessionTimeout: 6000,
    heartbeatInterval: 500,
  });
  other.topics.trackAll(topic);
  await other.joinGroup({});
  return other;
}
