/**
 * Redis as an exactly-once sink: `dstream/sinks/redis`. Needs the optional package `ioredis`.
 *
 * @example
 * ```ts
 * import { RedisSink } from 'dstream/sinks/redis';
 * const sink = RedisSink.create({ url: 'redis://127.0.0.1:6379', id: 'word-counts' });
 * counts.foreachRDD((rdd, time) => sink.hashAdd('word_counts', rdd, { positions: time }));
 * ```
 */
export {
  RedisSink,
  type RedisSetOptions,
  type RedisSinkOptions,
  type RedisWriteOptions,
  type RedisWriteResult,
} from './redis-sink.js';
export type { RedisName, RedisValue } from './writes.js';
export { OffsetsMismatchError, type OffsetMismatch, type RetryOptions } from '../core/index.js';
