// The thin layer over @platformatic/kafka that the kafka CLI uses and the Kafka streams will: topic
// administration, a string producer and a group consumer, with raised retries and no autocommit.
export { createTopic, describeTopics, listTopics } from './admin.js';
export type { PartitionInfo, TopicDescription } from './admin.js';
export { consume } from './consumer.js';
export type { ConsumeOptions, StringConsumer, StringMessage } from './consumer.js';
export { ensureReachable, loadKafka, parseBootstrap } from './load.js';
export type { KafkaModule } from './load.js';
export { openProducer } from './producer.js';
export type { StringProducer, StringRecord } from './producer.js';
