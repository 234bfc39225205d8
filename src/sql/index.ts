/**
 * `dstream/sql`: Spark SQL over batches, on DuckDB. `SparkSession.builder().getOrCreate()` inside
 * `foreachRDD`, a batch as a DataFrame with `createDataFrame(rdd, 'word STRING, total BIGINT')`, a
 * temporary view, and SQL whose `show()` prints exactly what Spark prints. Needs the optional
 * peer dependency `@duckdb/node-api` (`npm install @duckdb/node-api`), loaded on the first action.
 */
// Gives the core's rdd.toDF and stream.sql their implementation and types, as this module loads.
import './implicits.js';

export { toDF } from './to-df.js';
export { sqlStream } from './stream-sql.js';
export { DataFrameWriter, type SaveMode } from './writer.js';
export { Builder, RuntimeConfig, SparkSession, type SessionConf } from './session.js';
export { DataFrame, type ResultRow } from './dataframe.js';
export { Column, type Literal } from './column.js';
export { GroupedData } from './grouped-data.js';
export {
  asc,
  avg,
  coalesce,
  col,
  column,
  concat,
  count,
  countDistinct,
  date_format,
  desc,
  expr,
  first,
  length,
  lit,
  lower,
  max,
  mean,
  min,
  round,
  sum,
  upper,
  when,
  window,
} from './functions.js';
export { parseDDL } from './ddl.js';
export type { Row } from './values.js';
export {
  ArrayType,
  AtomicType,
  BinaryType,
  BooleanType,
  ByteType,
  DateType,
  DecimalType,
  DoubleType,
  FloatType,
  IntegerType,
  LongType,
  MapType,
  ShortType,
  StringType,
  StructField,
  StructType,
  TimestampType,
  type AtomicTypeName,
  type DataType,
} from './types.js';
