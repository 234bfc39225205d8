import { attachOperations, type Implementation } from '../util/attach.js';
import { RDD } from './rdd.js';
import { sqlImplementation, type DataFrameOf, type SqlInputRow } from './sql-implicits.js';

/** Spark's implicit conversion of an RDD to a DataFrame, given by `dstream/sql` (sql-implicits.ts). */
export interface SqlFunctions {
  /**
   * Spark's `rdd.toDF(...colNames)`: the active SparkSession's DataFrame of this RDD's rows
   * (arrays in column order, such as tuples, or plain objects keyed by column), the column types
   * inferred from the rows as `createDataFrame(rdd)` infers them, the columns named `colNames` in
   * order (by default `_1`, `_2`, ... for arrays, the keys for objects). A count of names other
   * than the count of columns fails the first action, as in Spark. Needs `dstream/sql` in the
   * program, as Spark's needs `import spark.implicits._`; its type is a DataFrame only then.
   *
   * @example
   * ```ts
   * import { SparkSession } from 'dstream/sql';
   *
   * const spark = SparkSession.builder().getOrCreate();
   * await sc.parallelize([['a', 2], ['b', 5]] as const).toDF('word', 'total').show();
   * ```
   */
  toDF(this: RDD<SqlInputRow>, ...colNames: string[]): DataFrameOf;
}

declare module './rdd.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars -- RDD gets SqlFunctions' members; T merges with the class's own
  interface RDD<T> extends SqlFunctions {}
}

const sqlFunctions: Implementation<SqlFunctions, RDD<SqlInputRow>> = {
  toDF(...colNames) {
    return sqlImplementation('rdd.toDF').toDF(this, colNames) as DataFrameOf;
  },
};

attachOperations(RDD.prototype, sqlFunctions);
