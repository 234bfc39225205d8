// `sqlStream(stream, viewName, query, schema?)`, issue #20's `stream.sql(...)`: SQL over every
// batch of a stream, its rows the batches of a new stream. An integration never attaches methods
// to a core class (docs/architecture.md, "SQL on DuckDB"), so the stream comes first; dstream/sql
// knows DStream's type only. Each batch's query is asynchronous work in the middle of the graph, so it rides
// on the RDD the transform returns (`fromAsync`, docs/architecture.md): it runs with the batch's
// jobs, once, on the driver, and task threads read its rows from there.
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

/** One batch: its rows as the view, the query over it, the query's rows. */
function queryBatch<T extends Row>(
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
 * SQL over each batch (issue #20's `stream.sql`): a stream of the rows `query` gives over each batch of `stream`, the batch registered as the
 * temporary view `viewName` under `schema` (Spark's DDL or a StructType; inferred from the rows
 * when omitted, and then an empty batch gives no rows). A query that fails fails its batch, with
 * the query in the message. Over `stream.window(...)`, the query sees each window.
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
  return stream.transform((rdd) =>
    rdd.context.fromAsync(
      () => queryBatch(rdd, viewName, query, schema),
      rdd.context.defaultParallelism,
    ),
  );
}
