// A DataFrame's rows as an RDD, so that SQL results flow on into RDD and DStream operations and
// sinks. The query is asynchronous and an RDD's partitions are computed synchronously, so the RDD
// is the context's `fromAsync` (docs/architecture.md, "Asynchronous work per batch in the middle
// of a graph"): the query runs once, on the driver, when the first job that reads the RDD starts.
import { DStreamError } from '../errors.js';
import { RDD } from '../rdd/rdd.js';
import type { SparkContext } from '../rdd/spark-context.js';
import type { ResultRow } from './dataframe.js';

/**
 * The SparkContext of a session: Spark's session always has one, dstream's learns it from the
 * RDDs it is given (`createDataFrame(rdd)`, `rdd.toDF()`) or from `builder().sparkContext(sc)`.
 */
export class SessionContext {
  private context: SparkContext | undefined;

  /** Keeps the context of `data` if it is an RDD: the latest one given wins. */
  remember(data: unknown): void {
    if (data instanceof RDD) this.context = data.context;
  }

  set(context: SparkContext): void {
    this.context = context;
  }

  /** The context, unless none was given or it was stopped since. */
  get(): SparkContext {
    const context = this.context;
    if (context === undefined || context.isStopped) {
      throw new DStreamError(
        'DSTREAM_ERR_SQL_NO_CONTEXT',
        `df.rdd needs a SparkContext to make its RDD, and this session ${context === undefined ? 'knows none' : 'knows only a stopped one'}: ` +
          'build the session with SparkSession.builder().sparkContext(sc).getOrCreate(), or ' +
          'create a DataFrame from an RDD first (spark.createDataFrame(rdd), rdd.toDF())',
      );
    }
    return context;
  }
}

/** What {@link dataFrameRDD} needs of a DataFrame: its rows, when a job asks for them. */
export interface CollectsRows {
  collect(): Promise<ResultRow[]>;
}

/**
 * The rows of `df` as an RDD of plain objects, cut into `context.defaultParallelism` partitions
 * by position: the query runs when the first job that reads the RDD starts, once.
 */
export function dataFrameRDD(df: CollectsRows, context: SparkContext): RDD<ResultRow> {
  return context.fromAsync(() => df.collect(), context.defaultParallelism);
}
