import {
  loadSqlImplementation,
  type SqlInputRow,
  type SqlRow,
  type SqlSchema,
} from '../rdd/sql-implicits.js';
import { attachOperations, type Implementation } from '../util/attach.js';
import { DStream } from './dstream.js';

/** SQL over every batch, given by `dstream/sql` (rdd/sql-implicits.ts). */
export interface SqlOperations {
  /**
   * SQL over each batch: a stream of the rows `query` gives when each batch of this stream is
   * the temporary view `viewName`, under `schema` (Spark's DDL, `'word STRING, total BIGINT'`, or
   * a `StructType`; inferred from the rows when omitted, and then an empty batch gives no rows).
   * The query runs once per batch, with the batch's jobs; a query that fails fails its batch,
   * with the query and DuckDB's message. Over `stream.window(...)` the query sees each window.
   * Runs on `dstream/sql` (loaded on the first batch if the program has not imported it) and its
   * optional peer `@duckdb/node-api`.
   *
   * @example
   * ```ts
   * // Lines `orderId,provinceId,orderPrice`: each batch's sales per province.
   * const totals = lines
   *   .map((line) => line.split(','))
   *   .map(([orderId, provinceId, orderPrice]) => ({ orderId, provinceId, orderPrice: Number(orderPrice) }))
   *   .sql('orders', 'SELECT provinceId, sum(orderPrice) AS total FROM orders GROUP BY provinceId');
   * totals.print();
   * ```
   */
  sql(
    this: DStream<SqlInputRow>,
    viewName: string,
    query: string,
    schema?: SqlSchema,
  ): DStream<SqlRow>;
}

declare module './dstream.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars -- DStream gets SqlOperations' members; T merges with the class's own
  interface DStream<T> extends SqlOperations {}
}

function sqlOperations(): Implementation<SqlOperations, DStream<SqlInputRow>> {
  return {
    sql(viewName, query, schema) {
      // The batch's query is asynchronous work in the middle of the graph, so it rides on the RDD
      // the transform returns (`fromAsync`, docs/architecture.md): it runs with the batch's jobs,
      // once, on the driver, and task threads replaying the transform never touch DuckDB.
      return this.transform((rdd) =>
        rdd.context.fromAsync(async () => {
          const sql = await loadSqlImplementation('stream.sql');
          return sql.queryBatch(rdd, viewName, query, schema);
        }, rdd.context.defaultParallelism),
      );
    },
  };
}

attachOperations(DStream.prototype, sqlOperations());
