// The exactly-once write flow every SQL sink shares (docs/architecture.md, Sinks: SQL): the
// batch's positions, its statements built before any connection, then, retried while the store
// is away, one transaction that reads the stored positions (locked), asks the rule, writes the
// rows and the new positions. The store's dialect (dialect.ts) supplies the client and the SQL.
import { DStreamError } from '../../../errors.js';
import type { RDD } from '../../../rdd/rdd.js';
import type { TopicPartition } from '../../../rdd/offset-range.js';
import { batchPositions, type BatchPositions, type PositionsInput } from '../positions.js';
import { offsetsVerdict, positionKey, timeVerdict, type Verdict } from '../positions.js';
import { withRetries, type RetryOptions, type RetryTarget } from '../retry.js';
import type { PoolSettings, SqlDialect, SqlPool, SqlQueryable, Statement } from './dialect.js';
import { chunksOf, type Chunk, type Row, type TableWrite } from './rows.js';
import { rejectedRowError } from './sql-rejection.js';

/**
 * The options of `PostgresSink.create` and `MySqlSink.create`: where the database is, and whose positions the sink keeps.
 */
export interface SqlSinkOptions {
  /** The server: `postgres://user[:password]@host:port/database`, `mysql://...`. */
  url: string;
  /**
   * The sink's name in its positions tables: the application (or output) whose positions these
   * are. Two applications writing the same tables need two ids.
   */
  id: string;
  /** Retries while the server is away or refuses (default 5 attempts, 500 ms doubling to 10 s). */
  retries?: RetryOptions;
  /** Connections of the process's pool for this URL (default 4). */
  poolSize?: number;
  /**
   * How long a statement waits for a lock that another session holds (a locked table, a locked
   * row) before the attempt fails and is retried; the server's own setting when not given.
   */
  lockTimeoutMs?: number;
}

/** Options of one write. */
export interface WriteOptions {
  /** The batch's positions: the Kafka RDD (or its offsetRanges), or the batch time. */
  positions?: PositionsInput;
  /** The columns, in the order of array rows. */
  columns?: readonly string[];
}

/** `applied: false` when the batch had been written already (its commit happened) and was skipped. */
export interface WriteResult {
  /** False when the batch had been written already and was skipped. */
  readonly applied: boolean;
  /** The rows written (0 when skipped). */
  readonly rows: number;
}

/** What PostgresSink and MySqlSink share: everything but their dialect. */
export abstract class SqlSink {
  private readonly retries: RetryOptions;
  private readonly settings: PoolSettings;
  private readonly prepared = new Set<SqlPool>();
  private readonly tableTypes = new Map<string, Promise<ReadonlyMap<string, string>>>();
  private readonly target: RetryTarget;

  protected constructor(
    private readonly dialect: SqlDialect,
    /** The server's URL, as given. */
    readonly url: string,
    /** The sink's name in its positions table, as given. */
    readonly id: string,
    options: SqlSinkOptions,
  ) {
    if (!options.url || !options.id) {
      throw new DStreamError(
        'DSTREAM_ERR_INVALID_ARGUMENT',
        `${dialect.sinkName} needs a url and an id`,
      );
    }
    this.retries = options.retries ?? {};
    this.settings = { size: options.poolSize ?? 4, lockTimeoutMs: options.lockTimeoutMs };
    this.target = { store: dialect.store, sinkId: id, retryable: (e) => dialect.isRetryable(e) };
  }

  /** Inserts the batch's rows into `table`. */
  insert(table: string, rdd: RDD<Row>, options: WriteOptions = {}): Promise<WriteResult> {
    return this.writeRdd(rdd, options, (rows) => ({
      table,
      mode: 'insert',
      rows,
      ...cols(options),
    }));
  }

  /** Inserts the batch's rows, or replaces the other columns of the row with the same `keys`. */
  upsert(
    table: string,
    keys: readonly string[],
    rdd: RDD<Row>,
    options: WriteOptions = {},
  ): Promise<WriteResult> {
    return this.writeRdd(rdd, options, (rows) => ({
      table,
      mode: 'upsert',
      rows,
      keys,
      ...cols(options),
    }));
  }

  /**
   * Adds the batch's values to the `totals` column(s) of the row with the same `keys` (inserted
   * when missing). Pairs from `reduceByKey` work as they are: `[key, total]` with one key column.
   */
  addTo(
    table: string,
    keys: readonly string[],
    totals: string | readonly string[],
    rdd: RDD<Row>,
    options: WriteOptions = {},
  ): Promise<WriteResult> {
    const totalColumns = typeof totals === 'string' ? [totals] : totals;
    return this.writeRdd(rdd, options, (rows) => ({
      table,
      mode: 'addTo',
      rows,
      keys,
      totals: totalColumns,
      ...cols(options),
    }));
  }

  /**
   * Writes several tables for one batch in one transaction with the batch's positions: each sink
   * id takes one write per batch (a second with the same positions is skipped as already applied).
   */
  writeBatch(positions: PositionsInput, writes: readonly TableWrite[]): Promise<WriteResult> {
    return this.write(batchPositions({}, positions, this.who), writes);
  }

  /**
   * Where each partition of `topics` starts: the offsets stored by this sink, as the `fromOffsets`
   * of `ConsumerStrategies.Assign`. A partition with none stored is missing, so the stream starts
   * it at `auto.offset.reset` (earliest, for exactly-once).
   */
  async storedOffsets(topics: readonly string[]): Promise<[TopicPartition, number][]> {
    if (topics.length === 0) return [];
    const p = (n: number) => this.dialect.placeholder(n);
    const rows = await this.query(
      `SELECT topic, kafka_partition, until_offset FROM dstream_offsets
       WHERE sink_id = ${p(1)} AND topic IN (${topics.map((_, i) => p(i + 2)).join(', ')})
       ORDER BY topic, kafka_partition`,
      [this.id, ...topics],
    );
    return rows.map((r) => [
      { topic: String(r.topic), partition: Number(r.kafka_partition) },
      Number(r.until_offset),
    ]);
  }

  /** The last batch time stored by this sink (for sources without offsets), if any. */
  async storedBatchTime(): Promise<number | undefined> {
    const rows = await this.query(
      `SELECT batch_time FROM dstream_batch_times WHERE sink_id = ${this.dialect.placeholder(1)}`,
      [this.id],
    );
    return rows[0] === undefined ? undefined : Number(rows[0].batch_time);
  }

  /**
   * Creates `table` unless it exists, with `columns` as SQL column definitions:
   * `sink.createTable('province_totals', 'province_id INT PRIMARY KEY, total DECIMAL(18,2)')`.
   */
  async createTable(table: string, columns: string): Promise<void> {
    await this.query(
      `CREATE TABLE IF NOT EXISTS ${this.dialect.identifier(table)} (${columns})`,
      [],
    );
    this.tableTypes.delete(table);
  }

  /** Ends the process's pools for this sink's URL now (a context's stop does it too). */
  async close(): Promise<void> {
    this.prepared.clear();
    this.tableTypes.clear();
    await this.dialect.closePools(this.url);
  }

  private get who(): string {
    return `${this.dialect.sinkName} '${this.id}'`;
  }

  private async writeRdd(
    rdd: RDD<Row>,
    options: WriteOptions,
    write: (rows: readonly Row[]) => TableWrite,
  ): Promise<WriteResult> {
    const positions = batchPositions(rdd, options.positions, this.who);
    // Collected to the driver: one transaction takes one connection (docs/architecture.md).
    const rows = await rdd.collect();
    return this.write(positions, [write(rows)]);
  }

  private async write(batch: BatchPositions, writes: readonly TableWrite[]): Promise<WriteResult> {
    const { limits, store } = this.dialect;
    // Built before any connection: a bad row is the application's error, not the store's.
    const chunks = writes.flatMap((w) => chunksOf(w, limits, store));
    const rows = writes.reduce((n, w) => n + w.rows.length, 0);
    return withRetries(this.target, this.retries, async () => {
      const pool = await this.pool();
      const statements = await this.statements(pool, chunks);
      let failed: number | undefined;
      try {
        return await pool.inTransaction<WriteResult>(async (connection) => {
          if ((await this.verdict(connection, batch)) === 'applied') {
            return { value: { applied: false, rows: 0 }, rollback: true };
          }
          for (let i = 0; i < chunks.length; i++) {
            failed = i;
            await connection.query(statements[i]!.text, statements[i]!.values);
          }
          failed = undefined;
          await this.savePositions(connection, batch);
          return { value: { applied: true, rows } };
        });
      } catch (e) {
        // Asked after the rollback, the transaction's connection back in the pool.
        const rejected =
          failed === undefined
            ? undefined
            : await rejectedRowError(
                this.dialect,
                this.id,
                e,
                chunks[failed]!,
                statements[failed]!,
                pool,
              );
        throw rejected ?? e;
      }
    });
  }

  /** The chunks' statements, with their tables' column types when the dialect asks for them. */
  private async statements(pool: SqlPool, chunks: readonly Chunk[]): Promise<Statement[]> {
    const { dialect } = this;
    if (dialect.columnTypes === undefined) return chunks.map((c) => dialect.statement(c));
    const types = new Map<string, ReadonlyMap<string, string>>();
    for (const { table } of new Set(chunks.map((c) => c.write))) {
      if (types.has(table)) continue;
      let known = this.tableTypes.get(table);
      if (known === undefined) {
        known = dialect.columnTypes(pool, table);
        // Asked again next time when the lookup failed (the store was away).
        known.catch(() => this.tableTypes.delete(table));
        this.tableTypes.set(table, known);
      }
      types.set(table, await known);
    }
    return chunks.map((c) => dialect.statement(c, types.get(c.write.table)));
  }

  /** The pool, with the sink's own tables made once per pool. */
  private async pool(): Promise<SqlPool> {
    const pool = await this.dialect.pool(this.url, this.settings);
    if (!this.prepared.has(pool)) {
      for (const text of this.dialect.positionsTables) await pool.query(text);
      this.prepared.add(pool);
    }
    return pool;
  }

  private query(text: string, values: readonly string[]) {
    return withRetries(this.target, this.retries, async () =>
      (await this.pool()).query(text, values),
    );
  }

  /** Reads the stored positions, locked until the transaction ends, and applies the rule. */
  private async verdict(connection: SqlQueryable, batch: BatchPositions): Promise<Verdict> {
    const p1 = this.dialect.placeholder(1);
    if (batch.kind === 'time') {
      const rows = await connection.query(
        `SELECT batch_time FROM dstream_batch_times WHERE sink_id = ${p1} FOR UPDATE`,
        [this.id],
      );
      return timeVerdict(rows[0] && Number(rows[0].batch_time), batch.milliseconds);
    }
    const rows = await connection.query(
      `SELECT topic, kafka_partition, until_offset FROM dstream_offsets WHERE sink_id = ${p1} FOR UPDATE`,
      [this.id],
    );
    const stored = new Map(
      rows.map((r) => [
        positionKey({ topic: String(r.topic), partition: Number(r.kafka_partition) }),
        Number(r.until_offset),
      ]),
    );
    return offsetsVerdict(this.dialect.store, this.id, stored, batch.ranges);
  }

  private async savePositions(connection: SqlQueryable, batch: BatchPositions): Promise<void> {
    const write: TableWrite =
      batch.kind === 'time'
        ? {
            table: 'dstream_batch_times',
            mode: 'upsert',
            rows: [[this.id, batch.milliseconds]],
            columns: ['sink_id', 'batch_time'],
            keys: ['sink_id'],
          }
        : {
            table: 'dstream_offsets',
            mode: 'upsert',
            rows: batch.ranges.map((r) => [this.id, r.topic, r.partition, r.untilOffset]),
            columns: ['sink_id', 'topic', 'kafka_partition', 'until_offset'],
            keys: ['sink_id', 'topic', 'kafka_partition'],
          };
    for (const chunk of chunksOf(write, this.dialect.limits, this.dialect.store)) {
      const { text, values } = this.dialect.statement(chunk);
      await connection.query(text, values);
    }
  }
}

function cols(options: WriteOptions): { columns?: readonly string[] } {
  return options.columns ? { columns: options.columns } : {};
}
