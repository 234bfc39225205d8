import { DStreamError } from '../../../errors.js';
import { parseBootstrap } from '../client/load.js';
import type { ConsumerSettings } from './consumer-thread.js';

/** Kafka's own parameter names (`bootstrap.servers`, `group.id`, `auto.offset.reset`...). */
export type ReceiverKafkaParams = Readonly<Record<string, string | number | boolean | undefined>>;

/** The topics a receiver reads, each with its number of consumers ("threads"). */
export type TopicThreads = Readonly<Record<string, number>>;

export interface StreamSettings extends ConsumerSettings {
  readonly threads: number;
}

/** Kafka 0.8's default `fetch.message.max.bytes`: what one fetch brings at most. */
const DEFAULT_FETCH_BYTES = 1024 * 1024;

/**
 * The receiver's settings from `createStream`'s arguments: Kafka parameters (bootstrap servers,
 * group, `auto.offset.reset`, `fetch.message.max.bytes`) and the topics map, checked here so that
 * a mistake shows where the stream is declared.
 */
export function streamSettings(params: ReceiverKafkaParams, topics: TopicThreads): StreamSettings {
  const servers = params['bootstrap.servers'] ?? params['metadata.broker.list'];
  if (typeof servers !== 'string' || servers.trim() === '') {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      "Kafka params must give 'bootstrap.servers' (host:port[,host:port...]), such as { 'bootstrap.servers': '127.0.0.1:9092' }",
    );
  }
  const groupId = params['group.id'];
  if (typeof groupId !== 'string' || groupId === '') {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      "A receiver-based Kafka stream needs a consumer group: give 'group.id' (createStream's groupId)",
    );
  }
  const entries = Object.entries(topics);
  if (entries.length === 0) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      'No topic to read: give createStream a map of topics to consumer threads, such as { orders: 1 }',
    );
  }
  let threads = 0;
  for (const [topic, n] of entries) {
    if (!Number.isInteger(n) || n < 1) {
      throw new DStreamError(
        'DSTREAM_ERR_INVALID_ARGUMENT',
        `Invalid number of consumer threads ${n} for topic '${topic}': expected a whole number of at least 1`,
      );
    }
    threads += n;
  }
  return {
    bootstrap: parseBootstrap(servers),
    groupId,
    topics: entries.map(([t]) => t),
    threads,
    reset: offsetReset(params['auto.offset.reset']),
    maxBytes: fetchBytes(params['fetch.message.max.bytes'] ?? params['fetch.max.bytes']),
  };
}

/** Spark's default is `largest` (Kafka 0.8's name for 'latest'); 0.10's names are taken too. */
function offsetReset(value: unknown): 'earliest' | 'latest' {
  switch (value) {
    case undefined:
    case 'largest':
    case 'latest':
      return 'latest';
    case 'smallest':
    case 'earliest':
      return 'earliest';
    default:
      // Kafka 0.8's ConsumerConfig message.
      throw new DStreamError(
        'DSTREAM_ERR_INVALID_ARGUMENT',
        `Wrong value ${String(value)} of auto.offset.reset in ConsumerConfig; Valid values are smallest and largest (or earliest and latest)`,
      );
  }
}

function fetchBytes(value: unknown): number {
  if (value === undefined) return DEFAULT_FETCH_BYTES;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      `Invalid fetch.message.max.bytes ${JSON.stringify(value)}: expected a whole number of bytes of at least 1`,
    );
  }
  return n;
}
