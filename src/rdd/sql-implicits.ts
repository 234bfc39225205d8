// Spark's implicits: `rdd.toDF(...)` and `stream.sql(...)` exist on every RDD and DStream, but
// their work is SQL, which lives in the `dstream/sql` integration (DuckDB, an optional peer). The
// core cannot import it (data flows down the layers), so `dstream/sql` hands its implementation
// over here when it loads, and names the DataFrame type through `SqlImplicits` (the one module
// augmentation an integration makes; docs/architecture.md, "SQL on DuckDB"). As in Spark, where
// `rdd.toDF` compiles only after `import spark.implicits._`, `rdd.toDF` has a usable type only in
// a program that imports `dstream/sql`, and runs only once that module has loaded.
import { DStreamError } from '../errors.js';
import type { RDD } from './rdd.js';

/**
 * The types `dstream/sql` brings to the core methods that need it. Empty until `dstream/sql` is
 * part of the program; then `dataFrame` is its DataFrame class.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by dstream/sql
export interface SqlImplicits {}

/** `rdd.toDF(...)`'s result: dstream/sql's DataFrame, or `never` without dstream/sql. */
export type DataFrameOf = SqlImplicits extends {
  /** dstream/sql's DataFrame. */
  readonly dataFrame: infer D;
}
  ? D
  : never;

/**
 * A row going into SQL: a plain object keyed by column name, or an array (a tuple) in column
 * order (dstream/sql's `Row`).
 */
export type SqlInputRow = Readonly<Record<string, unknown>> | readonly unknown[];

/** A row of a SQL result: column name to value (dstream/sql's `ResultRow`). */
export type SqlRow = Record<string, unknown>;

/**
 * A schema as `stream.sql` accepts it: Spark's DDL (`'word STRING, total BIGINT'`) or a
 * `StructType` of dstream/sql (anything with `toDDL()`).
 */
export type SqlSchema =
  | string
  | {
      /** The schema as Spark's DDL: `word STRING, total BIGINT`. */
      toDDL(): string;
    };

/** What `dstream/sql` provides. @internal */
export interface SqlImplementation {
  toDF(rdd: RDD<SqlInputRow>, colNames: readonly string[]): unknown;
  /** One batch of `stream.sql`: the rows of `query` over `rdd` registered as `viewName`. */
  queryBatch(
    rdd: RDD<SqlInputRow>,
    viewName: string,
    query: string,
    schema: SqlSchema | undefined,
  ): Promise<SqlRow[]>;
}

let provided: SqlImplementation | undefined;

/** Called by `dstream/sql` as it loads. @internal */
export function provideSqlImplementation(implementation: SqlImplementation): void {
  provided = implementation;
}

/**
 * The module specifier of SQL: the core loads it by its public name, the same module a user
 * imports, as the context loads the web UI (`streaming/ui-hook.ts`).
 */
const SQL_MODULE: string = 'dstream/sql';

/** The implementation, if `dstream/sql` has loaded; `method` names the call in the error. @internal */
export function sqlImplementation(method: string): SqlImplementation {
  if (provided === undefined) {
    throw new DStreamError(
      'DSTREAM_ERR_SQL_NOT_LOADED',
      `${method} needs dstream/sql: import it in the application (import { SparkSession } from 'dstream/sql'), as Spark's toDF needs import spark.implicits._`,
    );
  }
  return provided;
}

/** The implementation, loading `dstream/sql` first if nothing has yet. @internal */
export async function loadSqlImplementation(method: string): Promise<SqlImplementation> {
  if (provided === undefined) {
    try {
      await import(SQL_MODULE);
    } catch (e) {
      throw new DStreamError(
        'DSTREAM_ERR_SQL_NOT_LOADED',
        `${method} could not load ${SQL_MODULE}: ${e instanceof Error ? e.message : String(e)}`,
        { cause: e },
      );
    }
  }
  return sqlImplementation(method);
}
