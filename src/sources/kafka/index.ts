/**
 * `dstream/kafka`: Spark's kafka-0-10 integration (reference §6). Loaded only by applications that
 * import it; the client library, `@platformatic/kafka`, is an optional peer dependency.
 */
export { KafkaUtils, type KafkaParams } from './kafka-utils.js';
export { KafkaRDD } from './kafka-rdd.js';
export { KafkaInputDStream } from './receiver/kafka-input-dstream.js';
export type { KafkaPair } from './receiver/kafka-receiver.js';
export type { TopicThreads } from './receiver/stream-settings.js';
export type { ConsumerRecord } from './consumer-record.js';
export type { DeserializerName } from './deserializers.js';
export {
  OffsetRange,
  hasOffsetRanges,
  type HasOffsetRanges,
  type TopicPartition,
} from '../../rdd/offset-range.js';
