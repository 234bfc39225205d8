/**
 * Elasticsearch and OpenSearch as an idempotent sink: `dstream/sinks/elasticsearch`. No client
 * library: the bulk API over node:http, which both servers speak.
 *
 * @example
 * ```ts
 * import { ElasticsearchSink } from 'dstream/sinks/elasticsearch';
 * const sink = ElasticsearchSink.create({ url: 'http://127.0.0.1:9200' });
 * orders.foreachRDD((rdd, time) => sink.index('orders', rdd, { id: (o) => o.orderId, positions: time }));
 * ```
 */
export {
  ElasticsearchSink,
  dailyIndex,
  type ElasticsearchSinkOptions,
  type IndexDefinition,
  type IndexOptions,
  type IndexResult,
} from './elasticsearch-sink.js';
export { DocumentRejectedError } from './bulk.js';
export type { RetryOptions } from '../core/index.js';
