// `toDF(rdd, ...colNames)`: Spark's `rdd.toDF(...colNames)` (the implicit conversion that
// `import spark.implicits._` brings into scope) as a function of dstream/sql. An integration never
// attaches methods to a core class (docs/architecture.md, "SQL on DuckDB"), so the RDD comes first.
import type { RDD } from '../rdd/rdd.js';
import { LocalSource } from './catalog.js';
import { DataFrame } from './dataframe.js';
import { SparkSession } from './session.js';
import { quoteIdentifier } from './types.js';
import type { Row } from './values.js';

/**
 * Spark's `rdd.toDF(...colNames)`: the active session's DataFrame of `rdd`'s rows (arrays in column order, or plain objects), with
 * the types inferred from the rows, as `createDataFrame(rdd)` does, and the columns named
 * `colNames` in order (by default `_1`, `_2`, ... for arrays, the keys for objects). A count of
 * names other than the count of columns fails the first action, as Spark's `toDF` fails.
 *
 * @example
 * ```ts
 * import { toDF } from 'dstream/sql';
 * const totals = toDF(sc.parallelize([['a', 2], ['b', 5]] as const), 'word', 'total');
 * ```
 */
export function toDF<T extends Row>(rdd: RDD<T>, ...colNames: string[]): DataFrame {
  const spark = SparkSession.builder().getOrCreate();
  spark.state.context.remember(rdd);
  const source = new LocalSource(rdd, undefined, colNames);
  const table = quoteIdentifier(source.table);
  const sql =
    colNames.length === 0
      ? `SELECT * FROM ${table}`
      : `SELECT * FROM ${table} AS __dstream_named(${colNames.map(quoteIdentifier).join(', ')})`;
  return new DataFrame(spark.state, { sql, sources: [source] });
}
