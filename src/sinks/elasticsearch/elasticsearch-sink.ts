import { DStreamError } from '../../errors.js';
import type { RDD } from '../../rdd/rdd.js';
import type { Time } from '../../util/time.js';
import { withRetries, type RetryOptions, type RetryTarget } from '../core/index.js';
import {
  ACTION_PREFIX,
  BULK_FILTER,
  actionSuffix,
  allWritten,
  readItems,
  type BulkChunk,
} from './bulk.js';
import { RequestFailed, closeAgent, send } from './http.js';

const STORE = 'Elasticsearch';

export interface ElasticsearchSinkOptions {
  /** The server: `http://127.0.0.1:9200` (`https://user:password@host:9200` with authentication). */
  url: string;
  /** Retries while the server is away, busy (429) or failing (5xx): default 5 attempts, 500 ms doubling to 10 s. */
  retries?: RetryOptions;
  /** Documents per `_bulk` request (default 5000). */
  docsPerRequest?: number;
  /** `_bulk` requests of this sink in flight at once, all partitions together (default 2). */
  inFlight?: number;
  /** How long a request may go without an answer (default 60000 ms); then it is retried. */
  requestTimeoutMs?: number;
}

/** Options of one `index` write. */
export interface IndexOptions<T> {
  /** The document id of a record: the same id in a later batch replaces the document. */
  id: (record: T) => string | number;
  /**
   * The batch time of `foreachRDD`: every document is written with it as its external version, so
   * a batch that runs again writes the same versions, and an older batch never overwrites a newer one.
   */
  positions: Time;
  /** What is stored for a record (default: the record itself). */
  source?: (record: T) => unknown;
  /** Refresh the index once the batch is written, so that searches see it at once (default false). */
  refresh?: boolean;
}

/** What a write did. */
export interface IndexResult {
  /** The index written (a function's answer for this batch). */
  readonly index: string;
  /** Documents written (again, for a batch that runs again). */
  readonly written: number;
  /** Documents left alone because a newer batch had written them. */
  readonly skipped: number;
}

/** The body of `ensureIndex`: the index's mappings and settings, as the create-index API takes them. */
export interface IndexDefinition {
  /** The index's mappings, as the create-index API takes them (`{ properties: { ... } }`). */
  mappings?: Record<string, unknown>;
  /** The index's settings, as the create-index API takes them (`{ number_of_shards: 1 }`). */
  settings?: Record<string, unknown>;
}

/**
 * Writes batches to Elasticsearch or OpenSearch with the bulk API, idempotently: each document by
 * its id, at a version equal to the batch time (`version_type=external_gte`). A batch that runs
 * again after a crash writes the same documents at the same version; a batch older than the one
 * that wrote a document leaves it alone. Like the elasticsearch-hadoop connector's
 * `saveToEs` with `es.mapping.id` and `es.mapping.version`.
 *
 * @example
 * ```ts
 * import { ElasticsearchSink } from 'dstream/sinks/elasticsearch';
 * const sink = ElasticsearchSink.create({ url: 'http://127.0.0.1:9200' });
 * orders.foreachRDD((rdd, time) => sink.index('orders', rdd, { id: (o) => o.orderId, positions: time }));
 * ```
 */
export class ElasticsearchSink {
  private readonly base: URL;
  private readonly docsPerRequest: number;
  private readonly timeoutMs: number;
  private readonly gate: Gate;
  private readonly ensured = new Set<string>();

  private constructor(
    /** The server's URL, as given. */
    readonly url: string,
    private readonly options: ElasticsearchSinkOptions,
  ) {
    this.base = new URL(url);
    this.docsPerRequest = Math.max(1, options.docsPerRequest ?? 5000);
    this.timeoutMs = options.requestTimeoutMs ?? 60_000;
    this.gate = new Gate(Math.max(1, options.inFlight ?? 2));
  }

  /** A sink; it connects on first use, on the driver (task threads that load the app never do). */
  static create(options: ElasticsearchSinkOptions): ElasticsearchSink {
    if (!URL.canParse(options.url ?? '') || !/^https?:$/.test(new URL(options.url).protocol)) {
      throw new DStreamError(
        'DSTREAM_ERR_INVALID_ARGUMENT',
        `ElasticsearchSink needs the server's URL, such as http://127.0.0.1:9200; got ${JSON.stringify(options.url)}`,
      );
    }
    return new ElasticsearchSink(options.url, options);
  }

  /**
   * Indexes the batch's records into `index` (or the index `index(time)` names, such as a daily
   * one: see {@link dailyIndex}), each partition in `_bulk` requests of `docsPerRequest` documents.
   */
  async index<T>(
    index: string | ((time: Time) => string),
    rdd: RDD<T>,
    options: IndexOptions<T>,
  ): Promise<void> {
    // void: what `foreachRDD((rdd, time) => sink.index(...))` may return.
    await this.indexWithCounts(index, rdd, options);
  }

  /** {@link ElasticsearchSink.index}, resolving with the index written and how many documents were written or skipped. */
  async indexWithCounts<T>(
    index: string | ((time: Time) => string),
    rdd: RDD<T>,
    options: IndexOptions<T>,
  ): Promise<IndexResult> {
    const version = options?.positions?.milliseconds;
    if (!Number.isSafeInteger(version) || version < 0) {
      throw new DStreamError(
        'DSTREAM_ERR_INVALID_ARGUMENT',
        "ElasticsearchSink.index needs the batch time as its documents' version: foreachRDD((rdd, time) => sink.index(name, rdd, { id, positions: time }))",
      );
    }
    const name = typeof index === 'function' ? index(options.positions) : index;
    const suffix = actionSuffix(version);
    const source = options.source ?? ((r: T) => r);
    let written = 0;
    let skipped = 0;
    await rdd.foreachPartition(async (records) => {
      const sending: Promise<void>[] = [];
      let failed = false;
      let chunk: BulkChunk = { body: '', ids: [] };
      const flush = async () => {
        const full = chunk;
        chunk = { body: '', ids: [] };
        // Waits for a free slot before building more: memory stays at inFlight requests.
        await this.gate.acquire();
        const sent = this.sendChunk(name, full).then(
          (r) => {
            written += r.written;
            skipped += r.skipped;
          },
          (e: unknown) => {
            failed = true;
            throw e;
          },
        );
        sending.push(sent.finally(() => this.gate.release()));
      };
      for (const record of records) {
        // The batch fails anyway: the rest of the partition would only be written for nothing.
        if (failed) break;
        const id = String(options.id(record));
        chunk.body += `${ACTION_PREFIX}${JSON.stringify(id)}${suffix}${JSON.stringify(source(record))}\n`;
        chunk.ids.push(id);
        if (chunk.ids.length >= this.docsPerRequest) await flush();
      }
      if (chunk.ids.length > 0) await flush();
      // Every request settles before the batch does; the first failure fails it.
      const results = await Promise.allSettled(sending);
      const first = results.find((r) => r.status === 'rejected');
      if (first) throw first.reason;
    });
    if (options.refresh === true) await this.refresh(name);
    return { index: name, written, skipped };
  }

  /**
   * Creates `index` with `definition` unless it exists (asked once per sink and index name).
   * Resolves true when this call created it.
   */
  async ensureIndex(index: string, definition: IndexDefinition = {}): Promise<boolean> {
    if (this.ensured.has(index)) return false;
    const created = await withRetries(this.target(index), this.options.retries ?? {}, async () => {
      try {
        await send(
          this.base,
          'PUT',
          `/${encodeURIComponent(index)}`,
          JSON.stringify(definition),
          this.timeoutMs,
        );
        return true;
      } catch (e) {
        if (
          e instanceof RequestFailed &&
          e.status === 400 &&
          /resource_already_exists_exception/.test(e.message)
        ) {
          return false;
        }
        throw e;
      }
    });
    this.ensured.add(index);
    return created;
  }

  /** Makes what was written to `index` visible to searches now (`POST /<index>/_refresh`). */
  async refresh(index: string): Promise<void> {
    await withRetries(this.target(index), this.options.retries ?? {}, () =>
      send(this.base, 'POST', `/${encodeURIComponent(index)}/_refresh`, undefined, this.timeoutMs),
    );
  }

  /** Closes this process's connections to the server now (a context's stop does it too). */
  close(): void {
    closeAgent(this.base.origin);
  }

  /** Sends one chunk, again and again for the documents the server was too busy for. */
  private async sendChunk(
    index: string,
    first: BulkChunk,
  ): Promise<{ written: number; skipped: number }> {
    let chunk = first;
    let written = 0;
    let skipped = 0;
    const path = `/${encodeURIComponent(index)}/_bulk?filter_path=${BULK_FILTER}`;
    await withRetries(this.target(index), this.options.retries ?? {}, async () => {
      const { body } = await send(
        this.base,
        'POST',
        path,
        chunk.body,
        this.timeoutMs,
        'application/x-ndjson',
      );
      if (allWritten(body)) {
        written += chunk.ids.length;
        return;
      }
      const outcome = readItems(index, chunk, body);
      written += outcome.written;
      skipped += outcome.skipped;
      if (outcome.retry !== undefined) {
        chunk = outcome.retry;
        throw new RequestFailed(
          `${chunk.ids.length} of the documents were not written (status ${[...new Set(outcome.retryStatuses)].join(', ')}), such as id '${chunk.ids[0]}'`,
          outcome.retryStatuses[0],
          true,
        );
      }
    });
    return { written, skipped };
  }

  private target(index: string): RetryTarget {
    return {
      store: `${STORE} at ${this.base.origin}`,
      sinkId: index,
      retryable: (e) => e instanceof RequestFailed && e.retryable,
    };
  }
}

/**
 * An index per day of the batch time (UTC), for "recent data" that is dropped a day at a time:
 * `dailyIndex('orders')` names the batch of 2026-12-07 10:00 UTC `orders-2026.12.07`.
 */
export function dailyIndex(prefix: string): (time: Time) => string {
  return (time) =>
    `${prefix}-${new Date(time.milliseconds).toISOString().slice(0, 10).replaceAll('-', '.')}`;
}

/** At most `size` holders at once; the others wait in order. */
class Gate {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}
