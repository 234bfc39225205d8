import type { PoolClient } from 'pg';
import { DStreamError } from '../../errors.js';
import {
  batchPositions,
  offsetsVerdict,
  positionKey,
  timeVerdict,
  withRetries,
  type BatchPositions,
  type PositionsInput,
  type RetryOptions,
  type RetryTarget,
  type Verdict,
} from '../core/index.js';
import type { RDD } from '../../rdd/rdd.js';
import type { TopicPartition } from '../../rdd/offset-range.js';
import { closePool, inTransaction, isRetryable, poolFor } from './client.js';
import { statementsFor, type Row, type TableWrite } from './statements.js';

const STORE = 'PostgreSQL';

export interface PostgresSinkOptions {
  /** The server: `postgres://user[:password]@host:port/database`. */
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
}

/** Options of one write. */
export interface WriteOptions {
  /**
   * The batch's positions: the offset ranges of the Kafka stream's RDD of this batch (that RDD, or
   * its `offsetRanges`), or for other sources the batch time of `foreachRDD`. Not needed when the
   * RDD written is the Kafka RDD itself.
   */
  positions?: PositionsInput;
  /** The columns, in the order of array rows (not needed for object rows, nor for addTo pairs). */
  columns?: readonly string[];
}

/** What a write did: `applied: false` when the batch had been committed before and was skipped. */
export interface WriteResult {
  readonly applied: boolean;
  readonly rows: number;
}

/**
 * Writes batches to PostgreSQL exactly once: a batch's rows and its positions (Kafka offset ranges,
 * or the batch time) in one transaction, refusing a batch that does not start where the stored
 * positions end, skipping one whose commit already happened. Spark's "your own data store" recipe
 * (transactional output with offsets), as an API.
 *
 * @example
 * ```ts
 * import { PostgresSink } from 'dstream/sinks/postgres';
 * const sink = PostgresSink.create({ url: 'postgres://postgres@127.0.0.1:5432/test', id: 'order-totals' });
 * const fromOffsets = await sink.storedOffsets(['orders']);
 * // ... KafkaUtils.createDirectStream(ssc, ..., ConsumerStrategies.Assign(partitions, params, fromOffsets))
 * stream.foreachRDD(async (rdd) => {
 *   const totals = rdd.flatMap(parse).reduceByKey((a, b) => a + b);
 *   await sink.addTo('province_totals', ['province_id'], 'total', totals, { positions: rdd });
 * });
 * ```
 */
export class PostgresSink {
  private readonly retries: RetryOptions;
  private readonly poolSize: number;
  private readonly prepared = new Set<string>();
  private readonly target: RetryTarget;

  private constructor(
    readonly url: string,
    readonly id: string,
    options: PostgresSinkOptions,
  ) {
    this.retries = options.retries ?? {};
    this.poolSize = options.poolSize ?? 4;
    this.target = { store: STORE, sinkId: id, retryable: isRetryable };
  }

  /** A sink; it connects on first use, on the driver (task threads that load the app never do). */
  static create(options: PostgresSinkOptions): PostgresSink {
    if (!options.url || !options.id) {
      throw new DStreamError('DSTREAM_ERR_INVALID_ARGUMENT', 'PostgresSink needs a url and an id');
    }
    return new PostgresSink(options.url, options.id, options);
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
    return this.write(batchPositions({}, positions, `PostgresSink '${this.id}'`), writes);
  }

  private async write(batch: BatchPositions, writes: readonly TableWrite[]): Promise<WriteResult> {
    // Built before any connection: a bad row is the application's error, not the store's.
    const statements = writes.flatMap(statementsFor);
    const rows = writes.reduce((n, w) => n + w.rows.length, 0);
    return withRetries(this.target, this.retries, async () => {
      const pool = await poolFor(this.url, this.poolSize);
      await this.prepare(pool);
      return inTransaction<WriteResult>(pool, async (client) => {
        if ((await this.verdict(client, batch)) === 'applied') {
          return { value: { applied: false, rows: 0 }, rollback: true };
        }
        for (const s of statements) await client.query(s.text, s.values);
        await this.savePositions(client, batch);
        return { value: { applied: true, rows } };
      });
    });
  }

  /**
   * Where each partition of `topics` starts: the offsets stored by this sink, as the `fromOffsets`
   * of `ConsumerStrategies.Assign`. A partition with none stored is missing, so the stream starts
   * it at `auto.offset.reset` (earliest, for exactly-once).
   */
  async storedOffsets(topics: readonly string[]): Promise<[TopicPartition, number][]> {
    return withRetries(this.target, this.retries, async () => {
      const pool = await poolFor(this.url, this.poolSize);
      await this.prepare(pool);
      const { rows } = await pool.query<{
        topic: string;
        kafka_partition: number;
        until_offset: string;
      }>(
        `SELECT topic, kafka_partition, until_offset FROM dstream_offsets
         WHERE sink_id = $1 AND topic = ANY($2) ORDER BY topic, kafka_partition`,
        [this.id, [...topics]],
      );
      return rows.map((r) => [
        { topic: r.topic, partition: r.kafka_partition },
        Number(r.until_offset),
      ]);
    });
  }

  /** The last batch time stored by this sink (for sources without offsets), if any. */
  storedBatchTime(): Promise<number | undefined> {
    return withRetries(this.target, this.retries, async () => {
      const pool = await poolFor(this.url, this.poolSize);
      await this.prepare(pool);
      const { rows } = await pool.query<{ batch_time: string }>(
        'SELECT batch_time FROM dstream_batch_times WHERE sink_id = $1',
        [this.id],
      );
      return rows[0] === undefined ? undefined : Number(rows[0].batch_time);
    });
  }

  /** Ends the process's pool for this sink's URL now (a context's stop does it too). */
  async close(): Promise<void> {
    this.prepared.clear();
    await closePool(this.url);
  }

  private async writeRdd(
    rdd: RDD<Row>,
    options: WriteOptions,
    write: (rows: readonly Row[]) => TableWrite,
  ): Promise<WriteResult> {
    const positions = batchPositions(rdd, options.positions, `PostgresSink '${this.id}'`);
    // Collected to the driver: one transaction takes one connection (docs/architecture.md).
    const rows = await rdd.collect();
    return this.write(positions, [write(rows)]);
  }

  /** The sink's own tables, created once per pool. */
  private async prepare(pool: { query(text: string): Promise<unknown> }): Promise<void> {
    if (this.prepared.has(this.url)) return;
    await pool.query(`CREATE TABLE IF NOT EXISTS dstream_offsets (
      sink_id text NOT NULL, topic text NOT NULL, kafka_partition int NOT NULL,
      until_offset bigint NOT NULL, PRIMARY KEY (sink_id, topic, kafka_partition))`);
    await pool.query(`CREATE TABLE IF NOT EXISTS dstream_batch_times (
      sink_id text PRIMARY KEY, batch_time bigint NOT NULL)`);
    this.prepared.add(this.url);
  }

  /** Reads the stored positions, locked until the transaction ends, and applies the rule. */
  private async verdict(client: PoolClient, batch: BatchPositions): Promise<Verdict> {
    if (batch.kind === 'time') {
      const { rows } = await client.query<{ batch_time: string }>(
        'SELECT batch_time FROM dstream_batch_times WHERE sink_id = $1 FOR UPDATE',
        [this.id],
      );
      return timeVerdict(rows[0] && Number(rows[0].batch_time), batch.milliseconds);
    }
    const { rows } = await client.query<{
      topic: string;
      kafka_partition: number;
      until_offset: string;
    }>(
      'SELECT topic, kafka_partition, until_offset FROM dstream_offsets WHERE sink_id = $1 FOR UPDATE',
      [this.id],
    );
    const stored = new Map(
      rows.map((r) => [
        positionKey({ topic: r.topic, partition: r.kafka_partition }),
        Number(r.until_offset),
      ]),
    );
    return offsetsVerdict(STORE, this.id, stored, batch.ranges);
  }

  private async savePositions(client: PoolClient, batch: BatchPositions): Promise<void> {
    if (batch.kind === 'time') {
      await client.query(
        `INSERT INTO dstream_batch_times VALUES ($1, $2)
         ON CONFLICT (sink_id) DO UPDATE SET batch_time = EXCLUDED.batch_time`,
        [this.id, batch.milliseconds],
      );
      return;
    }
    if (batch.ranges.length === 0) return;
    const rows = batch.ranges.map((r) => [this.id, r.topic, r.partition, r.untilOffset] as const);
    const [statement] = statementsFor({
      table: 'dstream_offsets',
      mode: 'upsert',
      rows,
      columns: ['sink_id', 'topic', 'kafka_partition', 'until_offset'],
      keys: ['sink_id', 'topic', 'kafka_partition'],
    });
    await client.query(statement!.text, statement!.values);
  }
}

function cols(options: WriteOptions): { columns?: readonly string[] } {
  return options.columns ? { columns: options.columns } : {};
}
