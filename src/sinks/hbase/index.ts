/**
 * HBase as an idempotent sink, through its REST gateway: `dstream/sinks/hbase`. No client library:
 * Node's fetch.
 *
 * @example
 * ```ts
 * import { HBaseSink } from 'dstream/sinks/hbase';
 * const sink = HBaseSink.create({ url: 'http://127.0.0.1:18080' });
 * orders.foreachRDD((rdd, time) => sink.put('orders', rdd, { family: 'cf', rowKey: 'orderId', time }));
 * ```
 */
export {
  HBaseSink,
  type FamilySpec,
  type HBaseRow,
  type HBaseSinkOptions,
  type PutOptions,
  type PutResult,
} from './hbase-sink.js';
export type { CellValue, RowKey } from './cells.js';
export type { RetryOptions } from '../core/index.js';
