import { SqlSink, type SqlSinkOptions } from '../core/sql/index.js';
import { postgres } from './dialect.js';

/** A PostgresSink's options: the server's URL (`postgres://user[:password]@host:port/db`), an id. */
export type PostgresSinkOptions = SqlSinkOptions;

/**
 * Writes batches to PostgreSQL exactly once: a batch's rows and its positions (Kafka offset ranges,
 * or the batch time) in one transaction, refusing a batch that does not start where the stored
 * positions end, skipping one whose commit already happened. Spark's "your own data store" recipe
 * (transactional output with offsets), as an API.
 *
 * @example
 * ```ts
 * import { PostgresSink } from 'dstream/sinks/postgres';
 * const sink = PostgresSink.create({ url: 'postgres://postgres@127.0.0.1:5432/test', id: 'order-totals' });
 * const fromOffsets = await sink.storedOffsets(['orders']);
 * // ... the direct stream of the orders starts from them:
 * // KafkaUtils.createDirectStream(ssc, ..., ConsumerStrategies.Assign(partitions, params, fromOffsets))
 * stream.foreachRDD(async (rdd) => {
 *   const totals = rdd.flatMap(parse).reduceByKey((a, b) => a + b);
 *   await sink.addTo('province_totals', ['province_id'], 'total', totals, { positions: rdd });
 * });
 * ```
 */
export class PostgresSink extends SqlSink {
  private constructor(options: PostgresSinkOptions) {
    super(postgres, options.url, options.id, options);
  }

  /** A sink; it connects on first use, on the driver (task threads that load the app never do). */
  static create(options: PostgresSinkOptions): PostgresSink {
    return new PostgresSink(options);
  }
}
