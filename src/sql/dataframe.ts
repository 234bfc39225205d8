// A DataFrame: a lazy plan over the session's DuckDB database. Building one and registering it as
// a view do nothing yet; the actions (collect, count, first, take, show, schema, printSchema) load
// what it reads and run its SQL, one action at a time per session.
import type * as DuckDB from '@duckdb/node-api';
import { DStreamError } from '../errors.js';
import { sqlError, type Engine, type SqlEngine } from './engine.js';
import { formatCell, TimestampFormatter } from './format-cell.js';
import { columnNamesOf } from './dsl-plan.js';
import { resultSchema } from './result-schema.js';
import { escapeMetaCharacters, showString, truncateCell } from './show-string.js';
import type { Column } from './column.js';
import { boundColumn } from './functions.js';
import { GroupedData } from './grouped-data.js';
import { joinPlan } from './join.js';
import * as dsl from './transformations.js';
import type { Catalog, Plan } from './catalog.js';
import type { StructType } from './types.js';
import { naturalRows } from './natural-rows.js';
import type { RDD } from '../rdd/rdd.js';
import { dataFrameRDD, type SessionContext } from './to-rdd.js';
import { DataFrameWriter } from './writer.js';

/** What a DataFrame needs of its session. */
export interface SessionState {
  readonly engine: SqlEngine;
  readonly catalog: Catalog;
  /** The SparkContext that `df.rdd` makes its RDD with. */
  readonly context: SessionContext;
  /** `spark.sql.session.timeZone`, read when timestamps are printed. */
  timeZone(): string;
}

/** A row of a result: column name to natural JS value. */
export type ResultRow = Record<string, unknown>;

/** @internal */
export interface Answer {
  schema: StructType;
  reader: DuckDB.DuckDBResultReader;
}

/**
 * A distributed collection of rows under a schema, like Spark's DataFrame, computed by DuckDB.
 * Transformations are lazy; actions return promises.
 *
 * ```ts
 * const df = spark.createDataFrame([{ word: 'a', total: 2 }], 'word STRING, total BIGINT');
 * df.createOrReplaceTempView('words');
 * await spark.sql('SELECT word, total FROM words ORDER BY total DESC').show();
 * ```
 */
export class DataFrame {
  private asRDD: RDD<ResultRow> | undefined;

  /** @internal */
  constructor(
    private readonly session: SessionState,
    /** @internal */
    readonly plan: Plan,
  ) {}

  /**
   * Registers this DataFrame as a temporary view `viewName` for `spark.sql`, replacing any view of
   * that name; the view lives as long as the session.
   */
  createOrReplaceTempView(viewName: string): void {
    this.session.catalog.register(viewName, this.plan);
  }

  /**
   * Registers this DataFrame as a global temporary view, read as `global_temp.<viewName>`, as in
   * Spark (where it is shared by the sessions of one application; dstream has one session).
   */
  createOrReplaceGlobalTempView(viewName: string): void {
    this.session.catalog.register(viewName, this.plan, true);
  }

  /**
   * @internal Runs `sql` wrapped around this DataFrame's query, after the views and tables it
   * needs (also what `df.write` runs its COPY with).
   */
  answer(wrap: (sql: string) => string): Promise<Answer> {
    return this.withQuery(async (sql, engine) => {
      let reader: DuckDB.DuckDBResultReader;
      try {
        reader = await engine.connection.runAndReadAll(wrap(sql));
      } catch (e) {
        throw sqlError(sql, e);
      }
      return {
        schema: resultSchema(
          columnNamesOf(this.plan, reader.columnNames()),
          reader.columnTypes(),
          engine.duckdb.DuckDBTypeId,
        ),
        reader,
      };
    });
  }

  /**
   * @internal Runs `work` with this DataFrame's query and the engine, in the session's queue,
   * after the views and tables the query needs (a partitioned JSON write runs several statements).
   */
  withQuery<T>(work: (sql: string, engine: Engine) => Promise<T>): Promise<T> {
    return this.session.engine.serial(async (engine: Engine) => {
      const { catalog } = this.session;
      try {
        await catalog.sync(engine);
        for (const source of this.plan.sources) await source.load(engine);
        // The user's query alone first: a syntax or binding error then points into the text
        // the user wrote, not into the LIMIT or count() wrapped around it.
        if (this.plan.sources.length === 0) {
          try {
            (await engine.connection.prepare(this.plan.sql)).destroySync();
          } catch (e) {
            throw sqlError(this.plan.sql, e);
          }
        }
        return await work(this.plan.sql, engine);
      } finally {
        await catalog.release(engine, this.plan.sources);
      }
    });
  }

  private async resultRows(limit: number | undefined): Promise<ResultRow[]> {
    const { schema, reader } = await this.answer((sql) =>
      limit === undefined ? sql : `SELECT * FROM (${sql}) LIMIT ${limit}`,
    );
    return naturalRows(schema, reader);
  }

  /**
   * The rows as an RDD of plain objects (Spark's `df.rdd`), to go on with RDD and DStream
   * operations and sinks. The query runs once, on the driver, when the first job reads the RDD.
   */
  get rdd(): RDD<ResultRow> {
    return (this.asRDD ??= dataFrameRDD(this, this.session.context.get()));
  }

  /** The same RDD as {@link rdd}. */
  toRDD(): RDD<ResultRow> {
    return this.rdd;
  }

  /** Writes the rows to files: `df.write.mode('overwrite').partitionBy('p').parquet(path)`. */
  get write(): DataFrameWriter {
    return new DataFrameWriter(this);
  }

  /** All rows, as plain objects of natural JS values (numbers, strings, Dates, Maps, arrays...). */
  collect(): Promise<ResultRow[]> {
    return this.resultRows(undefined);
  }

  /** The first `n` rows. */
  take(n: number): Promise<ResultRow[]> {
    return this.resultRows(Math.max(0, Math.floor(n)));
  }

  /** Alias of {@link take}, as Spark's `head(n)`. */
  head(n: number): Promise<ResultRow[]> {
    return this.take(n);
  }

  /** The first row; rejects on an empty DataFrame, as Spark's `first()`. */
  async first(): Promise<ResultRow> {
    const [row] = await this.take(1);
    if (row === undefined) {
      throw new DStreamError('DSTREAM_ERR_EMPTY_COLLECTION', 'first() on an empty DataFrame');
    }
    return row;
  }

  /** The number of rows. */
  async count(): Promise<number> {
    const { reader } = await this.answer((sql) => `SELECT count(*) FROM (${sql})`);
    return Number(reader.value(0, 0));
  }

  /** The schema: column names and Spark types. Await it: `(await df.schema).fieldNames()`. */
  get schema(): Promise<StructType> {
    return this.answer((sql) => `SELECT * FROM (${sql}) LIMIT 0`).then((a) => a.schema);
  }

  /** The column names. */
  get columns(): Promise<string[]> {
    return this.schema.then((s) => s.fieldNames());
  }

  /** Prints the schema as Spark's tree (`root`, ` |-- word: string (nullable = true)`). */
  async printSchema(): Promise<void> {
    process.stdout.write((await this.schema).treeString() + '\n');
  }

  /**
   * The table `show` prints, without its last newline: Spark's `showString`. `truncate` is true
   * (20 characters), false (none) or a character count.
   */
  async showString(
    numRows = 20,
    truncate: boolean | number = true,
    vertical = false,
  ): Promise<string> {
    const n = Math.max(0, Math.floor(numRows));
    const width = truncate === true ? 20 : truncate === false ? 0 : Math.floor(truncate);
    const { schema, reader } = await this.answer((sql) => `SELECT * FROM (${sql}) LIMIT ${n + 1}`);
    const rows = reader.getRows();
    const timestamps = new TimestampFormatter(this.session.timeZone());
    const fields = schema.fields;
    const cells = rows.map((row) =>
      fields.map((f, i) =>
        truncateCell(escapeMetaCharacters(formatCell(f.dataType, row[i]!, timestamps)), width),
      ),
    );
    const header = fields.map((f) => escapeMetaCharacters(f.name));
    return showString(header, cells, n, width, vertical);
  }

  /**
   * Prints the first `numRows` rows as Spark's table: `+---+` borders, cells right-aligned and cut
   * to 20 characters (`truncate`: true, false, or a width), or one block per row when `vertical`.
   */
  async show(numRows = 20, truncate: boolean | number = true, vertical = false): Promise<void> {
    process.stdout.write((await this.showString(numRows, truncate, vertical)) + '\n');
  }

  // The DSL (transformations.ts, grouped-data.ts, join.ts): lazy, each a new DataFrame whose SQL is
  // written against its input's columns when an action runs.

  private derive(plan: Plan): DataFrame {
    return new DataFrame(this.session, plan);
  }

  /** The column `colName` of this DataFrame, as Spark's `df.col`: names a side of a join. */
  col(colName: string): Column {
    return boundColumn(this, colName);
  }

  /** The columns or expressions given, by Column or by name: `select('word', col('n').plus(1))`. */
  select(...cols: (Column | string)[]): DataFrame {
    return this.derive(dsl.selectPlan(this.plan, cols));
  }

  /** Columns given as SQL expressions: `selectExpr('word', 'total * 2 AS double_total')`. */
  selectExpr(...exprs: string[]): DataFrame {
    return this.derive(dsl.selectExprPlan(this.plan, exprs));
  }

  /** The rows where `condition` (a boolean Column, or SQL text such as `'total > 1'`) holds. */
  where(condition: Column | string): DataFrame {
    return this.derive(dsl.wherePlan(this.plan, condition));
  }

  /** Alias of {@link where}. */
  filter(condition: Column | string): DataFrame {
    return this.where(condition);
  }

  /** Groups rows by the columns, for `agg(...)`, `count()`, `sum(...)`... */
  groupBy(...cols: (Column | string)[]): GroupedData {
    return new GroupedData(this.plan, cols.map(dsl.columnOf), (p) => this.derive(p));
  }

  /** Aggregates over all rows: `df.agg(max('total'))`, as `groupBy().agg(...)`. */
  agg(...exprs: Column[]): DataFrame {
    return this.groupBy().agg(...exprs);
  }

  /** Sorted by the columns (ascending, nulls first, unless `desc('x')`/`col('x').desc()`). */
  orderBy(...cols: (Column | string)[]): DataFrame {
    return this.derive(dsl.orderByPlan(this.plan, cols));
  }

  /** Alias of {@link orderBy}. */
  sort(...cols: (Column | string)[]): DataFrame {
    return this.orderBy(...cols);
  }

  /** The first `n` rows. */
  limit(n: number): DataFrame {
    return this.derive(dsl.limitPlan(this.plan, n));
  }

  /** A column added at the end, or the column of that name replaced in place. */
  withColumn(colName: string, col: Column): DataFrame {
    return this.derive(dsl.withColumnPlan(this.plan, colName, col));
  }

  /** A column renamed (nothing happens when there is no column `existing`). */
  withColumnRenamed(existing: string, newName: string): DataFrame {
    return this.derive(dsl.withColumnRenamedPlan(this.plan, existing, newName));
  }

  /** Without the columns named (names that are not columns are ignored). */
  drop(...colNames: string[]): DataFrame {
    return this.derive(dsl.dropPlan(this.plan, colNames));
  }

  /**
   * Joined with `right`: `on` is a column name or names (a USING join: the keys once, first) or
   * a Column condition (`left.col('id').equalTo(right.col('id'))`); `how` is one of Spark's join
   * types: inner, cross, outer/full/full_outer, left/left_outer, right/right_outer, left_semi,
   * left_anti. Without `on`, every pair of rows.
   */
  join(right: DataFrame, on?: string | readonly string[] | Column, how = 'inner'): DataFrame {
    return this.derive(joinPlan(this.plan, right.plan, on, how));
  }

  /** Every pair of rows of this DataFrame and `right`. */
  crossJoin(right: DataFrame): DataFrame {
    return this.join(right, undefined, 'cross');
  }

  /** The distinct rows. */
  distinct(): DataFrame {
    return this.derive(dsl.distinctPlan(this.plan));
  }

  /** One row per distinct value of the columns named (per distinct row when none is). */
  dropDuplicates(colNames: readonly string[] | string = [], ...more: string[]): DataFrame {
    const names = typeof colNames === 'string' ? [colNames, ...more] : [...colNames, ...more];
    return this.derive(dsl.dropDuplicatesPlan(this.plan, names));
  }

  /** The rows of both, columns matched by position, duplicates kept (SQL's UNION ALL). */
  union(other: DataFrame): DataFrame {
    return this.derive(dsl.unionPlan(this.plan, other.plan));
  }

  /** Alias of {@link union}. */
  unionAll(other: DataFrame): DataFrame {
    return this.union(other);
  }

  /** The rows of both, columns matched by name (missing ones null if `allowMissingColumns`). */
  unionByName(other: DataFrame, allowMissingColumns = false): DataFrame {
    return this.derive(dsl.unionByNamePlan(this.plan, other.plan, allowMissingColumns));
  }
}
