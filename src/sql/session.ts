// SparkSession: the entry point of dstream/sql, a lazily created singleton per process as Spark's
// `SparkSession.builder().getOrCreate()` returns the active session. Calling it again in every
// batch's foreachRDD (and from a foreachRDD restored from a checkpoint) finds the same session;
// its DuckDB in-memory database opens on the first action.
import { RDD } from '../rdd/rdd.js';
import { Catalog, LocalSource, queryPlan, sourcePlan } from './catalog.js';
import { DataFrame, type SessionState } from './dataframe.js';
import { SqlEngine } from './engine.js';
import { quoteIdentifier, type StructType } from './types.js';
import type { Row } from './values.js';
import type { SparkContext } from '../rdd/spark-context.js';
import { SessionContext } from './to-rdd.js';

/** Settings: a Map (as `rdd.sparkContext.getConf()` gives), a plain object, or one key and value. */
export type SessionConf = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

const TIME_ZONE = 'spark.sql.session.timeZone';

/** The session's settings, as Spark's `spark.conf`. */
export class RuntimeConfig {
  /** @internal */
  constructor(private readonly values: Map<string, string>) {}

  /**
   * The setting `key`, else `defaultValue`; `spark.sql.session.timeZone` defaults to the process's time zone, as in Spark.
   */
  get(key: string, defaultValue?: string): string | undefined {
    if (key === TIME_ZONE) return this.values.get(key) ?? processTimeZone();
    return this.values.get(key) ?? defaultValue;
  }

  /** Sets `key` for the rest of the session, as Spark's `spark.conf.set`. */
  set(key: string, value: string): void {
    this.values.set(key, value);
  }

  /** Every setting set, as a new Map. */
  getAll(): Map<string, string> {
    return new Map(this.values);
  }
}

function processTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

let active: SparkSession | undefined;

/** Builds or finds the session: `SparkSession.builder().config(conf).appName(name).getOrCreate()`. */
export class Builder {
  private readonly options = new Map<string, string>();
  private context: SparkContext | undefined;

  /** @internal */
  constructor() {}

  /** Adds settings: all of a conf (a Map or an object), or one `key` and `value`. */
  config(conf: SessionConf): this;
  config(key: string, value: string | number | boolean): this;
  config(confOrKey: SessionConf | string, value?: string | number | boolean): this {
    if (typeof confOrKey === 'string') this.options.set(confOrKey, String(value));
    else {
      const entries = confOrKey instanceof Map ? confOrKey.entries() : Object.entries(confOrKey);
      for (const [k, v] of entries as Iterable<[string, string]>) this.options.set(k, v);
    }
    return this;
  }

  /** Names the application (`spark.app.name`). */
  appName(name: string): this {
    return this.config('spark.app.name', name);
  }

  /** Sets the master (`spark.master`), as Spark's `builder.master`. */
  master(master: string): this {
    return this.config('spark.master', master);
  }

  /** The SparkContext whose RDDs `df.rdd` makes (PySpark's `SparkSession(sc)`). */
  sparkContext(sc: SparkContext): this {
    this.context = sc;
    return this;
  }

  /**
   * The active session, with this builder's settings applied to it, or a new one when there is
   * none (or it was stopped).
   */
  getOrCreate(): SparkSession {
    if (active === undefined) active = new SparkSession(new Map(this.options));
    else for (const [k, v] of this.options) active.conf.set(k, v);
    if (this.context !== undefined) active.state.context.set(this.context);
    return active;
  }
}

/**
 * The entry point to SQL over batches, like Spark's SparkSession: DataFrames from rows or RDDs,
 * temporary views, and SQL, computed by DuckDB (`@duckdb/node-api`, an optional peer dependency).
 *
 * ```ts
 * import { SparkSession } from 'dstream/sql';
 * words.foreachRDD(async (rdd) => {
 *   const spark = SparkSession.builder().config(rdd.sparkContext.getConf()).getOrCreate();
 *   spark.createDataFrame(rdd, 'word STRING, total BIGINT').createOrReplaceTempView('words');
 *   await spark.sql('SELECT word, total FROM words ORDER BY total DESC').show();
 * });
 * ```
 */
export class SparkSession {
  /** The session's settings, as Spark's `spark.conf`. */
  readonly conf: RuntimeConfig;
  /** @internal */
  readonly state: SessionState;

  /** @internal */
  constructor(options: Map<string, string>) {
    this.conf = new RuntimeConfig(options);
    const engine = new SqlEngine();
    this.state = {
      engine,
      catalog: new Catalog(),
      context: new SessionContext(),
      timeZone: () => this.conf.get(TIME_ZONE) ?? processTimeZone(),
    };
  }

  /**
   * A builder of the session, as Spark's `SparkSession.builder()`: `.getOrCreate()` returns the active session or a new one.
   */
  static builder(): Builder {
    return new Builder();
  }

  /** The SparkContext that `df.rdd` makes its RDDs with (see `Builder.sparkContext`). */
  get sparkContext(): SparkContext {
    return this.state.context.get();
  }

  /** The active session, if one was created and not stopped. */
  static getActiveSession(): SparkSession | undefined {
    return active;
  }

  /**
   * A DataFrame of `data` (an RDD, collected when an action needs it, or an array of rows: plain
   * objects keyed by column name, or arrays in column order) under `schema`: Spark's DDL
   * (`'word STRING, total BIGINT'`), a {@link StructType}, or read off the rows when omitted.
   */
  createDataFrame(data: RDD<Row> | readonly Row[], schema?: StructType | string): DataFrame {
    if (!(data instanceof RDD) && !Array.isArray(data)) {
      throw new TypeError('createDataFrame: data must be an RDD or an array of rows');
    }
    this.state.context.remember(data);
    return new DataFrame(this.state, sourcePlan(new LocalSource(data, schema)));
  }

  /** A DataFrame of a SQL query over the temporary views, run when an action needs it. */
  sql(sqlText: string): DataFrame {
    return new DataFrame(this.state, queryPlan(sqlText));
  }

  /** The DataFrame of a temporary view (`global_temp.name` for a global one). */
  table(tableName: string): DataFrame {
    // A qualified name (`global_temp.name`) is one identifier per part.
    const name = tableName.split('.').map(quoteIdentifier).join('.');
    return new DataFrame(this.state, queryPlan(`SELECT * FROM ${name}`));
  }

  /**
   * Closes the database once the actions already asked for have run; this session and its
   * DataFrames refuse later actions, and the next `getOrCreate()` makes a new session.
   */
  async stop(): Promise<void> {
    if (active === this) active = undefined;
    await this.state.engine.stop();
  }
}
