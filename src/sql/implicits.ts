// What `dstream/sql` gives the core's `rdd.toDF(...)` and `stream.sql(...)` (rdd/sql-implicits.ts):
// their implementation, handed over as this module loads, and the DataFrame type, named through
// the one module augmentation an integration makes — Spark's `import spark.implicits._`, which
// happens in every program that imports `dstream/sql` (docs/architecture.md, "SQL on DuckDB").
import { provideSqlImplementation, type SqlSchema } from '../rdd/sql-implicits.js';
import type { DataFrame } from './dataframe.js';
import { queryBatch } from './stream-sql.js';
import { toDF } from './to-df.js';
import { StructType } from './types.js';

declare module '../rdd/sql-implicits.js' {
  interface SqlImplicits {
    /** `rdd.toDF(...)`'s type: a DataFrame of dstream/sql. */
    readonly dataFrame: DataFrame;
  }
}

/** A `StructType` of this module as is; another object with `toDDL()` by its DDL. */
function schemaOf(schema: SqlSchema | undefined): StructType | string | undefined {
  if (schema === undefined || typeof schema === 'string' || schema instanceof StructType) {
    return schema;
  }
  return schema.toDDL();
}

provideSqlImplementation({
  toDF: (rdd, colNames) => toDF(rdd, ...colNames),
  queryBatch: (rdd, viewName, query, schema) => queryBatch(rdd, viewName, query, schemaOf(schema)),
});
