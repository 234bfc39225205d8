/**
 * PostgreSQL as an exactly-once sink: `dstream/sinks/postgres`. Needs the optional package `pg`.
 *
 * @example
 * ```ts
 * import { PostgresSink } from 'dstream/sinks/postgres';
 * const sink = PostgresSink.create({ url: 'postgres://postgres@127.0.0.1:5432/test', id: 'word-counts' });
 * counts.foreachRDD((rdd, time) => sink.addTo('word_counts', ['word'], 'n', rdd, { positions: time }));
 * ```
 */
export { PostgresSink, type PostgresSinkOptions } from './postgres-sink.js';
export type {
  Row,
  SqlSinkOptions,
  SqlValue,
  TableWrite,
  WriteOptions,
  WriteResult,
} from '../core/sql/index.js';
export {
  OffsetsMismatchError,
  type OffsetMismatch,
  type PositionsInput,
  type RetryOptions,
} from '../core/index.js';
