// What a DataFrame is made of, and the session's temporary views. A DataFrame of local rows or an
// RDD is a table loaded on first need; a query's DataFrame is its SQL text. Views are registered
// at once (createOrReplaceTempView is synchronous, as in Spark) and created in DuckDB at the next
// action. A loaded table that no view needs any more is dropped then, so that a stream replacing
// its view every batch holds one batch's rows, not all of them.
import { RDD } from '../rdd/rdd.js';
import { inferSchema } from './infer-schema.js';
import { parseDDL } from './ddl.js';
import { loadRows } from './load-rows.js';
import { quoteIdentifier, StructType } from './types.js';
import type { Engine } from './engine.js';
import type { Row } from './values.js';
import { checkColumnCount } from './column-count.js';

let nextSourceId = 0;

/** Rows (an array, or an RDD collected when needed) with a schema given, or read off them. */
export class LocalSource {
  readonly table = `__dstream_df_${nextSourceId++}`;
  loaded = false;
  private known: StructType | undefined;

  constructor(
    private readonly data: RDD<Row> | readonly Row[],
    schema: StructType | string | undefined,
    /** The names `rdd.toDF(...)` gives the inferred columns, checked against their count. */
    private readonly columnNames: readonly string[] = [],
  ) {
    this.known = typeof schema === 'string' ? parseDDL(schema) : schema;
  }

  /** Without a schema, an RDD is collected to infer one (and loaded in the same go). */
  async schema(engine: Engine): Promise<StructType> {
    if (this.known === undefined) await this.load(engine);
    return this.known!;
  }

  async load(engine: Engine): Promise<void> {
    if (this.loaded) return;
    // An RDD's partitions as its job returns them: loaded one after another, never concatenated.
    const partitions =
      this.data instanceof RDD
        ? await this.data.context.runJob(this.data, (items) => items)
        : [this.data];
    this.known ??= checkColumnCount(
      inferSchema(partitions.length === 1 ? partitions[0]! : partitions.flat()),
      this.columnNames,
    );
    await loadRows(engine.duckdb, engine.connection, this.table, this.known, partitions);
    this.loaded = true;
  }
}

/**
 * What an action makes ready, in order, before it runs a plan's SQL: a local table to load, or a
 * DSL step whose SQL is written against the columns its input has then (dsl-plan.ts). A loaded
 * table is dropped when no view reads it.
 */
export interface PlanSource {
  readonly table: string;
  loaded: boolean;
  load(engine: Engine): Promise<void>;
}

/** A DataFrame's logical plan: the SQL that computes it, and the local tables that SQL reads. */
export interface Plan {
  readonly sql: string;
  readonly sources: readonly PlanSource[];
  /**
   * The column names as Spark gives them, once the sources are ready, when they differ from what
   * DuckDB answers: a DSL step may have two columns of one name, which DuckDB renames `a_1`.
   */
  readonly columnNames?: readonly string[] | undefined;
}

export function sourcePlan(source: LocalSource): Plan {
  return { sql: `SELECT * FROM ${quoteIdentifier(source.table)}`, sources: [source] };
}

export function queryPlan(query: string): Plan {
  // A trailing semicolon would end the statement that wraps the query (LIMIT, count).
  return { sql: query.replace(/[\s;]+$/, ''), sources: [] };
}

/** Spark's database of global temporary views: `SELECT * FROM global_temp.name`. */
export const GLOBAL_TEMP = 'global_temp';

export class Catalog {
  /** Views by the name queries use: `name`, or `global_temp.name` for a global one. */
  private readonly views = new Map<string, Plan>();
  private readonly pending = new Set<string>();
  /** Tables of replaced views: dropped at the next sync unless another view reads them. */
  private retired: PlanSource[] = [];

  /** Records a temporary view (a global one lives in `global_temp`), created at the next action. */
  register(name: string, plan: Plan, global = false): void {
    const key = global ? `${GLOBAL_TEMP}.${name}` : name;
    this.retired.push(...(this.views.get(key)?.sources ?? []));
    this.views.set(key, plan);
    this.pending.add(key);
  }

  /** Creates the views registered since the last action, loading the tables they read. */
  async sync(engine: Engine): Promise<void> {
    for (const key of this.pending) {
      const plan = this.views.get(key)!;
      for (const source of plan.sources) await source.load(engine);
      // One session per database, so a global view is a plain view in schema global_temp (DuckDB
      // keeps TEMP views in its temp schema only).
      const global = key.startsWith(`${GLOBAL_TEMP}.`);
      if (global) await engine.connection.run(`CREATE SCHEMA IF NOT EXISTS ${GLOBAL_TEMP}`);
      const target = global
        ? `${GLOBAL_TEMP}.${quoteIdentifier(key.slice(GLOBAL_TEMP.length + 1))}`
        : `TEMP VIEW ${quoteIdentifier(key)}`;
      await engine.connection.run(
        `CREATE OR REPLACE ${global ? 'VIEW ' : ''}${target} AS ${plan.sql}`,
      );
      this.pending.delete(key);
    }
    await this.release(engine, this.retired.splice(0));
  }

  /** Drops the loaded tables of `used` that no view reads; they load again if used again. */
  async release(engine: Engine, used: readonly PlanSource[]): Promise<void> {
    for (const source of used) {
      if (!source.loaded) continue;
      const inView = [...this.views.values()].some((p) => p.sources.includes(source));
      if (inView) continue;
      source.loaded = false;
      await engine.connection.run(`DROP TABLE IF EXISTS ${quoteIdentifier(source.table)}`);
    }
  }
}
