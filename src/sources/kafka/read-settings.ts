import { DStreamError } from '../../errors.js';
import { StreamingConf } from '../../streaming/conf.js';
import { Seconds } from '../../util/duration.js';
import { badRecordSettings } from './bad-records.js';
import { parseBootstrap } from './client/load.js';
import { deserializerNamed, type Deserializer } from './deserializers.js';
import type { KafkaReadSettings } from './kafka-rdd.js';

/**
 * Kafka's own parameter names, as a Spark user passes them (`bootstrap.servers`, `group.id`...);
 * `key.deserializer` and `value.deserializer` may be functions.
 */
export type KafkaParams = Readonly<
  Record<string, string | number | boolean | Deserializer | undefined>
>;

/** `bootstrap.servers` as a list, or Spark's kind of error saying what to give. */
export function bootstrapOf(kafkaParams: KafkaParams): string[] {
  const servers = kafkaParams['bootstrap.servers'];
  if (typeof servers !== 'string' || servers.trim() === '') {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      "kafkaParams must give 'bootstrap.servers' (host:port[,host:port...]), such as { 'bootstrap.servers': '127.0.0.1:9092' }",
    );
  }
  return parseBootstrap(servers);
}

/** Reads the settings a Kafka read needs from Kafka parameters and the context's conf. */
export function readSettings(
  kafkaParams: KafkaParams,
  conf: ReadonlyMap<string, string>,
): KafkaReadSettings {
  if (kafkaParams['isolation.level'] === 'read_committed') {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      "isolation.level=read_committed is not supported: dstream reads as Kafka's default read_uncommitted (records of aborted transactions included). Leave isolation.level unset, or write the topic without transactions",
    );
  }
  // Spark's default for the poll timeout is spark.network.timeout (120 s, read in seconds).
  const settings = new StreamingConf(conf);
  const poll = settings.getDuration(
    'spark.streaming.kafka.consumer.poll.ms',
    settings.getDuration('spark.network.timeout', Seconds(120), 's'),
  );
  return {
    bootstrap: bootstrapOf(kafkaParams),
    groupId: String(kafkaParams['group.id'] ?? 'dstream'),
    key: deserializerNamed('key.deserializer', kafkaParams['key.deserializer']),
    value: deserializerNamed('value.deserializer', kafkaParams['value.deserializer']),
    pollTimeoutMs: poll.milliseconds,
    ...badRecordSettings(conf),
    allowNonConsecutiveOffsets: settings.getBoolean(
      'spark.streaming.kafka.allowNonConsecutiveOffsets',
      false,
    ),
    consumerCache: {
      enabled: settings.getBoolean('spark.streaming.kafka.consumer.cache.enabled', true),
      maxCapacity: settings.getNumber('spark.streaming.kafka.consumer.cache.maxCapacity', 64),
    },
  };
}
