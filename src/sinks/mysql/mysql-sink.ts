import { SqlSink, type SqlSinkOptions } from '../core/sql/index.js';
import { mysql } from './dialect.js';

/** A MySqlSink's options: the server's URL (`mysql://user[:password]@host:port/db`), an id. */
export type MySqlSinkOptions = SqlSinkOptions;

/**
 * Writes batches to MySQL or MariaDB (InnoDB tables) exactly once: a batch's rows and its
 * positions (Kafka offset ranges, or the batch time) in one transaction, refusing a batch that does
 * not start where the stored positions end, skipping one whose commit already happened. Spark's
 * "your own data store" recipe (transactional output with offsets), as an API; the same as
 * `PostgresSink` but for the SQL it speaks.
 *
 * @example
 * ```ts
 * import { MySqlSink } from 'dstream/sinks/mysql';
 * const sink = MySqlSink.create({ url: 'mysql://root@127.0.0.1:3306/test', id: 'order-totals' });
 * const fromOffsets = await sink.storedOffsets(['orders']);
 * // ... the direct stream of the orders starts from them:
 * // KafkaUtils.createDirectStream(ssc, ..., ConsumerStrategies.Assign(partitions, params, fromOffsets))
 * stream.foreachRDD(async (rdd) => {
 *   const totals = rdd.flatMap(parse).reduceByKey((a, b) => a + b);
 *   await sink.addTo('province_totals', ['province_id'], 'total', totals, { positions: rdd });
 * });
 * ```
 */
export class MySqlSink extends SqlSink {
  private constructor(options: MySqlSinkOptions) {
    super(mysql, options.url, options.id, options);
  }

  /** A sink; it connects on first use, on the driver (task threads that load the app never do). */
  static create(options: MySqlSinkOptions): MySqlSink {
    return new MySqlSink(options);
  }
}
