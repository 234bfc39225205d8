// `stream.sql(viewName, query, schema?)`'s work for each batch, and `sqlStream(stream, ...)`, the
// same as a function. The core's `stream.sql` wraps each batch's query in the RDD its transform
// returns (dstream/sql-operations.ts); what the query does is here, where DuckDB is.
import type { DStream } from '../dstream/index.js';
import type { RDD } from '../rdd/rdd.js';
import type { ResultRow } from './dataframe.js';
import { SparkSession } from './session.js';
import type { StructType } from './types.js';
import type { Row } from './values.js';

/** The batch queries of each view name, one after another (see {@link oneAtATime}). */
const viewQueues = new Map<string, Promise<unknown>>();

/**
 * Runs `work` after the earlier work of the same view: registering a batch as the view and
 * querying it must not interleave with another batch replacing that view (two streams, or jobs
 * run concurrently with `spark.streaming.concurrentJobs`).
 */
function oneAtATime<T>(viewName: string, work: () => Promise<T>): Promise<T> {
  const previous = viewQueues.get(viewName) ?? Promise.resolve();
  const run = previous.then(work, work);
  const settled = run.catch(() => undefined);
  viewQueues.set(viewName, settled);
  void settled.then(() => {
    if (viewQueues.get(viewName) === settled) viewQueues.delete(viewName);
  });
  return run;
}

/**
 * One batch of `stream.sql` (dstream/sql's implementation of it, see implicits.ts): its rows as the
 * view, the query over it, the query's rows.
 */
export function queryBatch<T extends Row>(
  rdd: RDD<T>,
  viewName: string,
  query: string,
  schema: StructType | string | undefined,
): Promise<ResultRow[]> {
  return oneAtATime(viewName, async () => {
    const rows = await rdd.collect();
    // Without a schema the columns come from the rows: an empty batch has none, and no result.
    if (rows.length === 0 && schema === undefined) return [];
    const spark = SparkSession.builder().config(rdd.sparkContext.getConf()).getOrCreate();
    spark.createDataFrame(rows, schema).createOrReplaceTempView(viewName);
    return spark.sql(query).collect();
  });
}

/**
 * SQL over each batch: `sqlStream(stream, viewName, query, schema)` is
 * `stream.sql(viewName, query, schema)` (see there), as a function of dstream/sql.
 *
 * @example
 * ```ts
 * import { sqlStream } from 'dstream/sql';
 * const totals = sqlStream(orders, 'orders', 'SELECT province, sum(amount) AS total FROM orders GROUP BY province');
 * ```
 */
export function sqlStream<T extends Row>(
  stream: DStream<T>,
  viewName: string,
  query: string,
  schema?: StructType | string,
): DStream<ResultRow> {
  return stream.sql(viewName, query, schema);
}
