/**
 * MySQL and MariaDB as an exactly-once sink: `dstream/sinks/mysql`. Needs the optional package
 * `mysql2`.
 *
 * @example
 * ```ts
 * import { MySqlSink } from 'dstream/sinks/mysql';
 * const sink = MySqlSink.create({ url: 'mysql://root@127.0.0.1:3306/test', id: 'word-counts' });
 * counts.foreachRDD((rdd, time) => sink.addTo('word_counts', ['word'], 'n', rdd, { positions: time }));
 * ```
 */
export { MySqlSink, type MySqlSinkOptions } from './mysql-sink.js';
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
