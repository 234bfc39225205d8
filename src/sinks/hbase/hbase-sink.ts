import { DStreamError } from '../../errors.js';
import type { RDD } from '../../rdd/rdd.js';
import { Time } from '../../util/time.js';
import { withRetries, type RetryOptions, type RetryTarget } from '../core/index.js';
import {
  CellSetBuilder,
  checkKey,
  type CellValue,
  type RequestBody,
  type RowKey,
} from './cells.js';
import {
  HBaseRequestError,
  answerError,
  isRetryable,
  request,
  unb64,
  type CellSetJson,
} from './rest.js';

const STORE = 'HBase';

export interface HBaseSinkOptions {
  /** The REST gateway: `http://127.0.0.1:18080` (`dstream hbase start` prints it). */
  url: string;
  /** Retries of a request while HBase is away (default 5 attempts, 500 ms doubling to 10 s). */
  retries?: RetryOptions;
  /** Rows per PUT request (default 1000). */
  rowsPerRequest?: number;
  /** PUT requests in flight at once for one write (default 4). */
  inFlight?: number;
}

/** A row as the sink takes it: an object of cells, or a `[rowKey, { qualifier: value }]` pair. */
export type HBaseRow = object;

/** Options of one put. */
export interface PutOptions<T> {
  /** The column family every cell goes to. */
  family: string;
  /**
   * The batch time of `foreachRDD`, (rdd, time): the version (timestamp) of every cell written, so
   * a batch that runs again writes the same cells at the same version instead of new ones.
   */
  time: Time | number;
  /**
   * The row key: a field of the row, or a function of it. Not needed for `[rowKey, cells]` pairs.
   */
  rowKey?: (T extends readonly unknown[] ? never : keyof T & string) | ((row: T) => RowKey);
  /** The qualifiers written (default: every field of each row but the row-key field). */
  columns?: readonly string[];
}

/** What a put wrote. */
export interface PutResult {
  /** The rows put. */
  readonly rows: number;
  /** The REST requests it took. */
  readonly requests: number;
}

/** A column family of {@link HBaseSink.createTable}: its name, or its name and versions kept. */
export type FamilySpec =
  | string
  | {
      /** The column family's name. */
      readonly name: string;
      /** How many versions of a cell it keeps (HBase's `VERSIONS`). */
      readonly versions?: number;
    };

/**
 * Writes batches to HBase through its REST gateway, idempotently: each row is put by its row key
 * with every cell's version equal to the batch time, so a batch that runs again (after a crash, or
 * a failed write) writes the same cells at the same version and leaves no extra version or row.
 *
 * @example
 * ```ts
 * import { HBaseSink } from 'dstream/sinks/hbase';
 * const sink = HBaseSink.create({ url: 'http://127.0.0.1:18080' });
 * orders.foreachRDD((rdd, time) =>
 *   sink.put('orders', rdd, { family: 'cf', rowKey: 'orderId', time }),
 * );
 * ```
 */
export class HBaseSink {
  private readonly retries: RetryOptions;
  private readonly rowsPerRequest: number;
  private readonly inFlight: number;

  private constructor(
    /** The REST gateway's URL, as given. */
    readonly url: string,
    options: HBaseSinkOptions,
  ) {
    this.retries = options.retries ?? {};
    this.rowsPerRequest = Math.max(1, options.rowsPerRequest ?? 1000);
    this.inFlight = Math.max(1, options.inFlight ?? 4);
  }

  /** A sink. It connects on first use, on the driver (task threads that load the app never do). */
  static create(options: HBaseSinkOptions): HBaseSink {
    if (!options.url || !/^https?:\/\//.test(options.url)) {
      throw new DStreamError(
        'DSTREAM_ERR_INVALID_ARGUMENT',
        `HBaseSink needs the url of HBase's REST gateway, such as http://127.0.0.1:18080; got ${String(options.url)}`,
      );
    }
    return new HBaseSink(options.url.replace(/\/+$/, ''), options);
  }

  /**
   * Puts the rows of `rdd` into `table`, partition by partition, in multi-row PUTs. Rejects with
   * `DSTREAM_ERR_SINK_WRITE` when HBase stays away after the retries, or refuses a row (no such
   * table or column family: not retried); rows already written stay, and are written again, the
   * same, when the batch runs again.
   */
  async put<T extends HBaseRow>(
    table: string,
    rdd: RDD<T>,
    options: PutOptions<T>,
  ): Promise<PutResult> {
    const timestamp = versionOf(options.time);
    const rowKey = options.rowKey;
    const keyOf: ((row: T) => unknown) | undefined =
      typeof rowKey === 'function'
        ? rowKey
        : rowKey === undefined
          ? undefined
          : (row) => (row as Record<string, unknown>)[rowKey];
    const skip = typeof rowKey === 'string' ? rowKey : undefined;
    const target = this.target(table);
    const sender = new Sender(this.inFlight, (body) =>
      withRetries(target, this.retries, () => this.send(table, body)),
    );
    await rdd.foreachPartition(async (items) => {
      const cells = new CellSetBuilder(options.family, timestamp, this.rowsPerRequest, (b) =>
        sender.submit(b),
      );
      for (const row of items) {
        if (sender.failed) break;
        let key: unknown;
        let values: Record<string, CellValue>;
        if (keyOf === undefined) {
          if (!Array.isArray(row) || row.length !== 2) throw notAPair(row);
          key = row[0];
          values = row[1] as Record<string, CellValue>;
        } else {
          key = keyOf(row);
          values = row as Record<string, CellValue>;
        }
        cells.row(checkKey(key, row), values, options.columns ?? qualifiersOf(values, skip));
        // Encoding outruns HBase: hold the partition here rather than its whole JSON in memory.
        if (sender.full) await sender.room();
      }
      cells.flush();
      await sender.drain();
    });
    return sender.result();
  }

  /** Creates `table` with `families` unless it exists. Resolves true when it created it. */
  createTable(table: string, families: readonly FamilySpec[]): Promise<boolean> {
    return withRetries(this.target(table), this.retries, async () => {
      const path = `/${encodeURIComponent(table)}/schema`;
      const existing = await request(this.url, 'GET', path);
      await existing.body?.cancel();
      if (existing.ok) return false;
      if (existing.status !== 404) throw await answerError(existing, `GET ${path}`);
      const ColumnSchema = families.map((f) =>
        typeof f === 'string'
          ? { name: f }
          : { name: f.name, ...(f.versions ? { VERSIONS: String(f.versions) } : {}) },
      );
      const res = await request(
        this.url,
        'PUT',
        path,
        JSON.stringify({ name: table, ColumnSchema }),
      );
      if (!res.ok) throw await answerError(res, `PUT ${path}`);
      await res.body?.cancel();
      return true;
    });
  }

  /** The newest cells of a row as `{ 'family:qualifier': value }` (UTF-8), or undefined if absent. */
  get(table: string, rowKey: string): Promise<Record<string, string> | undefined> {
    return withRetries(this.target(table), this.retries, async () => {
      const path = `/${encodeURIComponent(table)}/${encodeURIComponent(rowKey)}`;
      const res = await request(this.url, 'GET', path);
      if (res.status === 404) {
        await res.body?.cancel();
        return undefined;
      }
      if (!res.ok) throw await answerError(res, `GET ${path}`);
      const set = (await res.json()) as CellSetJson;
      const row: Record<string, string> = {};
      for (const c of set.Row?.[0]?.Cell ?? []) row[unb64(c.column)] = unb64(c.$ ?? '');
      return row;
    });
  }

  private async send(table: string, body: RequestBody): Promise<void> {
    // The rows are in the body; the gateway ignores the key in the URL of a multi-row put.
    const path = `/${encodeURIComponent(table)}/batch`;
    const res = await request(this.url, 'PUT', path, body.json);
    if (res.ok) {
      await res.body?.cancel();
      return;
    }
    const e = await answerError(res, `the put of ${body.rows} row(s)`);
    if (e.retryable) throw e;
    throw new HBaseRequestError(
      `HBase refused the row '${body.firstRow}' (column '${body.firstColumn}') of table '${table}' and the other rows of its request: ${e.message}. Create the table or the column family (sink.createTable(table, families)), or fix the put's family`,
      false,
      e.status,
    );
  }

  private target(table: string): RetryTarget {
    return {
      store: STORE,
      sinkId: `table ${table}' at '${this.url}`,
      retryable: isRetryable,
      // No transaction across rows: what was written stays, and is written again, the same.
      afterFailure:
        'Rows put before the failure stay; the batch runs again, at the same version, when the application restarts from its checkpoint.',
    };
  }
}

/**
 * Sends the bodies of one put, at most `limit` at once, in the order they come, with at most
 * `limit` more waiting; after the first failure it sends no more, lets those in flight end, and
 * `result()` rejects with it.
 */
class Sender {
  failed = false;
  private error: unknown;
  private running = 0;
  private readonly queue: RequestBody[] = [];
  private readonly idle: (() => void)[] = [];
  private readonly waitingForRoom: (() => void)[] = [];
  private rows = 0;
  private requests = 0;

  constructor(
    private readonly limit: number,
    private readonly send: (body: RequestBody) => Promise<void>,
  ) {}

  submit(body: RequestBody): void {
    if (this.failed) return;
    this.queue.push(body);
    this.pump();
  }

  /** True when `limit` bodies wait to be sent: the encoder should wait for {@link room}. */
  get full(): boolean {
    return this.queue.length >= this.limit;
  }

  /** Resolves once fewer than `limit` bodies wait (or the put failed). */
  room(): Promise<void> {
    return new Promise((done) => this.waitingForRoom.push(done));
  }

  /** Resolves once nothing is queued or in flight. */
  drain(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((done) => this.idle.push(done));
  }

  async result(): Promise<PutResult> {
    await this.drain();
    if (this.failed) throw this.error;
    return { rows: this.rows, requests: this.requests };
  }

  private pump(): void {
    while (this.running < this.limit && this.queue.length > 0 && !this.failed) {
      const body = this.queue.shift()!;
      this.running++;
      this.send(body).then(
        () => {
          this.rows += body.rows;
          this.requests++;
          this.settle();
        },
        (e: unknown) => {
          if (!this.failed) [this.failed, this.error] = [true, e];
          this.queue.length = 0;
          this.settle();
        },
      );
    }
  }

  private settle(): void {
    this.running--;
    this.pump();
    if (!this.full) for (const done of this.waitingForRoom.splice(0)) done();
    if (this.running === 0 && this.queue.length === 0) {
      for (const done of this.idle.splice(0)) done();
    }
  }
}

function versionOf(time: Time | number | undefined): number {
  const ms = time instanceof Time ? time.milliseconds : time;
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      'HBaseSink.put needs { time }: the batch time of foreachRDD((rdd, time) => ...), the version of the cells it writes (a batch that runs again then writes the same versions)',
    );
  }
  return ms;
}

/** The fields of a row but its row-key field. */
function qualifiersOf(values: object, rowKeyField: string | undefined): string[] {
  const keys = Object.keys(values);
  if (rowKeyField === undefined) return keys;
  const at = keys.indexOf(rowKeyField);
  if (at >= 0) keys.splice(at, 1);
  return keys;
}

function notAPair(row: unknown): DStreamError {
  return new DStreamError(
    'DSTREAM_ERR_INVALID_ARGUMENT',
    `HBaseSink.put: without a rowKey option each row must be a [rowKey, { qualifier: value }] pair; got ${JSON.stringify(row)?.slice(0, 120)}. Pass { rowKey: 'field' } or { rowKey: (row) => ... } for object rows`,
  );
}
