import type { StreamingContext } from '../../../streaming/streaming-context.js';
import { KafkaInputDStream } from './kafka-input-dstream.js';
import { streamSettings, type ReceiverKafkaParams, type TopicThreads } from './stream-settings.js';

/**
 * `KafkaUtils.createStream`'s two signatures (Spark's 0.8 API): `(ssc, bootstrapServers, groupId,
 * topics, kafkaParams?)`, where Spark took a ZooKeeper quorum, and `(ssc, kafkaParams, topics)`.
 */
export function createStream(
  ssc: StreamingContext,
  serversOrParams: string | ReceiverKafkaParams,
  groupIdOrTopics: string | TopicThreads,
  topics?: TopicThreads,
  kafkaParams: ReceiverKafkaParams = {},
): KafkaInputDStream {
  const settings =
    typeof serversOrParams === 'string'
      ? streamSettings(
          {
            ...kafkaParams,
            'bootstrap.servers': serversOrParams,
            'group.id': groupIdOrTopics as string,
          },
          topics ?? {},
        )
      : streamSettings(serversOrParams, groupIdOrTopics as TopicThreads);
  return new KafkaInputDStream(ssc, settings);
}
