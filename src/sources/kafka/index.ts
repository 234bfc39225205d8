/**
 * `dstream/kafka`: Spark's kafka-0-10 integration (reference §6). Loaded only by applications that
 * import it; the client library, `@platformatic/kafka`, is an optional peer dependency.
 */
export { KafkaUtils, type KafkaParams } from './kafka-utils.js';
export { KafkaRDD } from './kafka-rdd.js';
export { KafkaPartitioner } from '../../rdd/kafka-partitioner.js';
export {
  ConsumerStrategies,
  ConsumerStrategy,
  type StartingOffsets,
  type ConsumerRebalanceListener,
} from './direct/consumer-strategies.js';
export { LocationStrategies, type LocationStrategy } from './direct/location-strategies.js';
export {
  DirectKafkaInputDStream,
  type KafkaPartitionLag,
  type KafkaPerPartitionConfig,
} from './direct/direct-kafka-input-dstream.js';
export type { CommittedOffset, OffsetCommitCallback } from './direct/commit-queue.js';
export { KafkaInputDStream } from './receiver/kafka-input-dstream.js';
export type { KafkaPair } from './receiver/kafka-receiver.js';
export type { TopicThreads } from './receiver/stream-settings.js';
export type { ConsumerRecord } from './consumer-record.js';
export type { Deserializer, DeserializerName } from './deserializers.js';
export { parseRecords } from './parse-records.js';
export type { BadRecordPolicy } from './bad-records.js';
export { DEAD_LETTER_HEADERS } from './dead-letters.js';
export {
  OffsetRange,
  hasOffsetRanges,
  type HasOffsetRanges,
  type TopicPartition,
} from '../../rdd/offset-range.js';
