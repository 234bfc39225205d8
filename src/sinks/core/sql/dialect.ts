// What a SQL store is to the shared sink (sql-sink.ts): its client, its SQL and how it reports
// rejected data. Each store's folder implements one; the write flow, the positions and the rows'
// shaping are shared.
import type { Chunk, ChunkLimits, SqlValue } from './rows.js';

/** A result row, by column name. */
export type ResultRow = Readonly<Record<string, unknown>>;

/** A statement's parameter: a value, or (a column of a chunk) an array of values. */
export type SqlParameter = SqlValue | readonly SqlValue[];

/** A chunk's statement. */
export interface Statement {
  readonly text: string;
  readonly values: readonly SqlParameter[];
  /** Parameters by column (an array each), not by row. */
  readonly byColumns?: boolean;
}

/** Something that runs a statement: a pool, or a connection inside a transaction. */
export interface SqlQueryable {
  query(text: string, values?: readonly SqlParameter[]): Promise<readonly ResultRow[]>;
}

/** The process's pool of a store for one URL. */
export interface SqlPool extends SqlQueryable {
  /**
   * Runs `work` in one transaction on one connection: committed when it resolves, rolled back when
   * it throws or resolves `rollback: true`. A connection that failed is not reused.
   */
  inTransaction<T>(
    work: (connection: SqlQueryable) => Promise<{ value: T; rollback?: boolean }>,
  ): Promise<T>;
}

/** Settings of a sink that its pool's connections carry. */
export interface PoolSettings {
  readonly size: number;
  /** How long a statement waits for a lock another session holds before it fails. */
  readonly lockTimeoutMs: number | undefined;
}

/**
 * Where the server says a statement's data was rejected. A field the server leaves out is found on
 * the client's side when it can be (sql-rejection.ts).
 */
export interface Rejection {
  /** The row within the statement (0-based). */
  readonly row?: number;
  /** The column, as the write names it. */
  readonly column?: string;
  /** What the server adds to its message (PostgreSQL's `detail`). */
  readonly detail?: string;
  /** The rejected value as the server prints it: the row is the first with it in `column`. */
  readonly value?: string;
  /** A NOT NULL violation: the row is the first with null in `column`. */
  readonly nullValue?: boolean;
  /**
   * A key the server names with its value as text (`(1, 2)` in PostgreSQL, `1-2` in MySQL): the row
   * is one whose `columns`' values, joined by `separator`, give `text`.
   */
  readonly key?: {
    readonly columns: readonly string[];
    readonly text: string;
    readonly separator: string;
  };
}

/** One SQL store's dialect and client. */
export interface SqlDialect {
  /** The store's name as users know it: `PostgreSQL`. */
  readonly store: string;
  /** The sink's class: `PostgresSink`. */
  readonly sinkName: string;
  readonly limits: ChunkLimits;
  /** The process's pool for `url`, opened on first use and closed when a context stops. */
  pool(url: string, settings: PoolSettings): Promise<SqlPool>;
  /** Closes the pools of `url` now. */
  closePools(url: string): Promise<void>;
  /** The n-th parameter of a statement (1-based): `$n` or `?`. */
  placeholder(n: number): string;
  /** A table's name quoted as the statements quote it: `"t"` or `` `t` ``. */
  identifier(name: string): string;
  /**
   * The statement that writes a chunk (its `write.mode`: insert, upsert or addTo); `types` are the
   * table's column types when {@link columnTypes} gave them.
   */
  statement(chunk: Chunk, types?: ReadonlyMap<string, string>): Statement;
  /**
   * The types of a table's columns, for a dialect whose fastest statement needs them; asked once
   * per table and sink.
   */
  columnTypes?(lookup: SqlQueryable, table: string): Promise<ReadonlyMap<string, string>>;
  /** Creates the sink's positions tables when missing. */
  readonly positionsTables: readonly string[];
  /** Whether trying again may help (a connection, a lock) or not (the data, the schema). */
  isRetryable(e: unknown): boolean;
  /**
   * Whether `e` is the server rejecting a statement's data, and where, when it says. `lookup` runs
   * a query outside the failed transaction, for what only the table's definition tells.
   */
  rejection(
    e: unknown,
    chunk: Chunk,
    statement: Statement,
    lookup: SqlQueryable,
  ): Promise<Rejection | undefined>;
}

/** A name quoted with `quote` (`"` or `` ` ``), each part of `schema.name` apart. */
export function quoteIdentifier(name: string, quote: string): string {
  return name
    .split('.')
    .map((part) => `${quote}${part.replaceAll(quote, quote + quote)}${quote}`)
    .join('.');
}
