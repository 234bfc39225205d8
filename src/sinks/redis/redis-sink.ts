import { DStreamError } from '../../errors.js';
import {
  batchPositions,
  offsetsVerdict,
  positionKey,
  withRetries,
  type BatchPositions,
  type PositionsInput,
  type RetryOptions,
  type RetryTarget,
} from '../core/index.js';
import type { RDD } from '../../rdd/rdd.js';
import type { TopicPartition } from '../../rdd/offset-range.js';
import {
  closeConnections,
  connectionFor,
  dropConnection,
  isConnectionError,
  isRetryable,
  type SinkConnection,
} from './client.js';
import { SCRIPT_COMMAND } from './script.js';

type ScriptCommand = (numberOfKeys: number, keys: string[], argv: string[]) => void;
import {
  batchGuard,
  batchTimeKey,
  guardCall,
  isIdempotent,
  plainCommands,
  markerGuard,
  offsetsKey,
  writeCall,
  type Op,
  type RedisName,
  type RedisValue,
  type ScriptCall,
} from './writes.js';

const STORE = 'Redis';

export interface RedisSinkOptions {
  /** The server: `redis://[[user]:password@]host:port[/db]`. */
  url: string;
  /**
   * The sink's name in its own keys (`dstream:offsets:<id>`, markers): the application (or output)
   * whose positions these are. Two applications writing the same keys need two ids.
   */
  id: string;
  /** Retries while the server is away or refuses (default 5 attempts, 500 ms doubling to 10 s). */
  retries?: RetryOptions;
  /**
   * How long one command may take before the attempt fails and is tried again (default 30000 ms):
   * a server that accepts connections but does not answer (paused, overloaded) fails the batch too.
   */
  commandTimeoutMs?: number;
  /** perPartition writes: records per script call (default 1000). */
  chunkSize?: number;
  /** perPartition writes: how long a chunk's marker is kept, in seconds (default 7 days). */
  markerTtlSeconds?: number;
}

/** Options of one write. */
export interface RedisWriteOptions {
  /**
   * The batch's positions: the offset ranges of the Kafka stream's RDD of this batch (that RDD, or
   * its `offsetRanges`), or for other sources the batch time of `foreachRDD`. Not needed when the
   * RDD written is the Kafka RDD itself.
   */
  positions?: PositionsInput;
  /**
   * Write each partition where it is, in chunks of `chunkSize` records, each chunk atomic and
   * idempotent with a marker per (batch, partition, chunk), instead of collecting the batch and
   * writing it in one atomic script. For large writes; see docs/sinks.md for what it guarantees.
   */
  perPartition?: boolean;
}

/** Options of `set`. */
export interface RedisSetOptions extends RedisWriteOptions {
  /** Each key expires this many seconds after the write (SET ... EX). */
  ttlSeconds?: number;
}

/** What a write did: `applied: false` when the batch had been written before and was skipped. */
export interface RedisWriteResult {
  /** False when the batch had been written already and was skipped. */
  readonly applied: boolean;
  /** The records written (those of chunks written before, when run again, not counted). */
  readonly rows: number;
}

/**
 * Writes batches to Redis, each exactly once: the update and the batch's positions (Kafka offset
 * ranges, or the batch time) in one Lua script, which Redis runs atomically; a batch that does not
 * start where the stored positions end is refused, one already written is skipped. Spark's "your
 * own data store" recipe, as for PostgresSink.
 *
 * @example
 * ```ts
 * import { RedisSink } from 'dstream/sinks/redis';
 * const sink = RedisSink.create({ url: 'redis://127.0.0.1:6379', id: 'province-totals' });
 * const fromOffsets = await sink.storedOffsets(['orders']);
 * // ... the direct stream of the orders starts from them:
 * // KafkaUtils.createDirectStream(ssc, ..., ConsumerStrategies.Assign(partitions, params, fromOffsets))
 * stream.foreachRDD(async (rdd) => {
 *   // [province, price as text] per order: summed per field in exact decimals.
 *   const amounts = rdd
 *     .map((r) => r.value.split(','))
 *     .map(([, province, price]) => [province!, price!] as const);
 *   await sink.hashAdd('province_totals', amounts, { positions: rdd });
 * });
 * ```
 */
export class RedisSink {
  private readonly retries: RetryOptions;
  private readonly commandTimeoutMs: number;
  private readonly chunkSize: number;
  private readonly markerTtlSeconds: number;
  private readonly target: RetryTarget;

  private constructor(
    /** The server's URL, as given. */
    readonly url: string,
    /** The sink's name among the positions it stores, as given. */
    readonly id: string,
    options: RedisSinkOptions,
  ) {
    this.retries = options.retries ?? {};
    this.commandTimeoutMs = options.commandTimeoutMs ?? 30_000;
    this.chunkSize = Math.max(1, options.chunkSize ?? 1000);
    this.markerTtlSeconds = Math.max(1, Math.round(options.markerTtlSeconds ?? 7 * 24 * 3600));
    this.target = { store: STORE, sinkId: id, retryable: isRetryable };
  }

  /** A sink; it connects on first write (task threads that load the app never do). */
  static create(options: RedisSinkOptions): RedisSink {
    if (!options.url || !options.id) {
      throw new DStreamError('DSTREAM_ERR_INVALID_ARGUMENT', 'RedisSink needs a url and an id');
    }
    return new RedisSink(options.url, options.id, options);
  }

  /** `SET key value [EX ttlSeconds]` for each `[key, value]` pair. */
  set(
    rdd: RDD<readonly [RedisName, RedisValue]>,
    options: RedisSetOptions = {},
  ): Promise<RedisWriteResult> {
    const ttl =
      options.ttlSeconds === undefined ? '' : String(Math.max(1, Math.round(options.ttlSeconds)));
    return this.write('set', '', ttl, rdd, options);
  }

  /** `HSET key field value` for each `[field, value]` pair (a later pair of a field wins). */
  hashSet(
    key: string,
    rdd: RDD<readonly [RedisName, RedisValue]>,
    options: RedisWriteOptions = {},
  ): Promise<RedisWriteResult> {
    return this.write('hset', key, '', rdd, options);
  }

  /**
   * Adds each `[field, amount]` to the total in field `field` of hash `key` (0 when missing), in
   * exact decimal arithmetic: amounts are numbers, bigints or decimal strings (`'10.25'`), totals
   * are stored as decimal text as HINCRBYFLOAT prints them (`'10.5'`, `'3'`), with every digit.
   * `reduceByKey`'s pairs work as they are.
   */
  hashAdd(
    key: string,
    rdd: RDD<readonly [RedisName, RedisValue]>,
    options: RedisWriteOptions = {},
  ): Promise<RedisWriteResult> {
    return this.write('hadd', key, '', rdd, options);
  }

  /** `ZADD key score member` for each `[member, score]` pair. */
  sortedSetAdd(
    key: string,
    rdd: RDD<readonly [RedisName, number]>,
    options: RedisWriteOptions = {},
  ): Promise<RedisWriteResult> {
    return this.write('zadd', key, '', rdd, options);
  }

  /** `ZINCRBY key by member` for each `[member, by]` pair (scores are doubles, as in Redis). */
  sortedSetIncrement(
    key: string,
    rdd: RDD<readonly [RedisName, number]>,
    options: RedisWriteOptions = {},
  ): Promise<RedisWriteResult> {
    return this.write('zincr', key, '', rdd, options);
  }

  /** `SADD key member` for each member. */
  setAdd(
    key: string,
    rdd: RDD<RedisName>,
    options: RedisWriteOptions = {},
  ): Promise<RedisWriteResult> {
    return this.write('sadd', key, '', rdd, options);
  }

  /**
   * Where each partition of `topics` starts: the offsets stored by this sink, as the `fromOffsets`
   * of `ConsumerStrategies.Assign`. A partition with none stored is missing, so the stream starts
   * it at `auto.offset.reset` (earliest, for exactly-once).
   */
  async storedOffsets(topics: readonly string[]): Promise<[TopicPartition, number][]> {
    const stored = await this.attempt((c) => c.hgetall(offsetsKey(this.id)));
    const wanted = new Set(topics);
    const out: [TopicPartition, number][] = [];
    for (const [field, offset] of Object.entries(stored)) {
      const slash = field.lastIndexOf('/');
      const topic = field.slice(0, slash);
      if (wanted.has(topic))
        out.push([{ topic, partition: Number(field.slice(slash + 1)) }, Number(offset)]);
    }
    return out.sort(([a], [b]) =>
      a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
    );
  }

  /** The last batch time stored by this sink (for sources without offsets), if any. */
  async storedBatchTime(): Promise<number | undefined> {
    const stored = await this.attempt((c) => c.get(batchTimeKey(this.id)));
    return stored === null ? undefined : Number(stored);
  }

  /** Closes this thread's connection to the sink's URL now (a context's stop does it too). */
  async close(): Promise<void> {
    await closeConnections(this.url);
  }

  private async write(
    op: Op,
    key: string,
    opArg: string,
    rdd: RDD<unknown>,
    options: RedisWriteOptions,
  ): Promise<RedisWriteResult> {
    const batch = batchPositions(rdd, options.positions, `RedisSink '${this.id}'`);
    const guard = batchGuard(this.id, batch);
    if (!options.perPartition) {
      // Collected to the driver: the whole update and the positions in one atomic script.
      const records = await rdd.collect();
      const call = writeCall(guard, op, key, opArg, records, 0, records.length);
      const applied = await this.attempt((c) => this.run(c, call, batch));
      return { applied, rows: applied ? records.length : 0 };
    }
    // The rule first (refuse or skip before writing anything), then each partition in chunks,
    // then the positions move: a rerun after a failure in between skips the increments' chunks
    // written (their markers) and writes the sets again (same values).
    if (!(await this.attempt((c) => this.run(c, guardCall(guard, 'check'), batch)))) {
      return { applied: false, rows: 0 };
    }
    const written = await rdd.context.runJob(rdd, (records, partition) =>
      this.writePartition(op, key, opArg, batch, records, partition),
    );
    await this.attempt((c) => this.run(c, guardCall(guard, 'none'), batch));
    return { applied: true, rows: written.reduce((a, b) => a + b, 0) };
  }

  /**
   * One partition, in chunks, in one pipeline: the records written. Increments (not idempotent)
   * go through the script, each chunk under its marker; the other operations are plain commands,
   * which leave the same values when they run again, so a rerun needs no marker to be right.
   */
  private async writePartition(
    op: Op,
    key: string,
    opArg: string,
    batch: BatchPositions,
    records: readonly unknown[],
    partition: number,
  ): Promise<number> {
    const idempotent = isIdempotent(op);
    const scripts: ScriptCall[] = [];
    const commands: [string, string[]][] = [];
    for (let from = 0, chunk = 0; from < records.length; from += this.chunkSize, chunk++) {
      const to = Math.min(records.length, from + this.chunkSize);
      if (idempotent) {
        commands.push(...plainCommands(op, key, opArg, records, from, to));
      } else {
        const guard = markerGuard(this.id, batch, partition, chunk, this.markerTtlSeconds);
        scripts.push(writeCall(guard, op, key, opArg, records, from, to));
      }
    }
    if (records.length === 0) return 0;
    return this.attempt(async (c) => {
      const pipeline = c.pipeline();
      for (const [command, args] of commands) void pipeline.call(command, args);
      const withScript = pipeline as unknown as Record<typeof SCRIPT_COMMAND, ScriptCommand>;
      for (const call of scripts)
        withScript[SCRIPT_COMMAND](call.keys.length, call.keys, call.argv);
      const replies = (await pipeline.exec()) ?? [];
      let written = idempotent ? records.length : 0;
      for (let i = 0; i < replies.length; i++) {
        const [error, reply] = replies[i]!;
        if (error) {
          // A plain command's error reply (WRONGTYPE) does not say which key: add it.
          if (idempotent)
            error.message += ` (${commands[i]![0]} ${op === 'set' ? commands[i]![1][0] : key})`;
          throw error;
        }
        if (!idempotent && (reply as number[])[0] === 1) written += scripts[i]!.records;
      }
      return written;
    });
  }

  /** Runs one script call: true when it applied, false when its guard says it was applied before. */
  private async run(c: SinkConnection, call: ScriptCall, batch: BatchPositions): Promise<boolean> {
    const reply = await c[SCRIPT_COMMAND](call.keys.length, call.keys, call.argv);
    if (reply[0] === 1) return true;
    if (reply[0] === 0) return false;
    // The offsets do not follow: the rule in core names the mismatch (and throws).
    if (batch.kind === 'offsets') {
      const stored = new Map<string, number>();
      batch.ranges.forEach((r, i) => {
        const s = reply[i + 1];
        if (s !== '' && s !== undefined) stored.set(positionKey(r), Number(s));
      });
      offsetsVerdict(STORE, this.id, stored, batch.ranges);
    }
    throw new DStreamError(
      'DSTREAM_ERR_SINK_WRITE',
      `Redis sink '${this.id}': unexpected script reply ${JSON.stringify(reply)}`,
    );
  }

  /** `work` on the connection, with retries; a connection that failed is replaced. */
  private attempt<T>(work: (c: SinkConnection) => Promise<T>): Promise<T> {
    return withRetries(this.target, this.retries, async () => {
      const c = await connectionFor(this.url, this.commandTimeoutMs);
      try {
        return await work(c);
      } catch (e) {
        if (isConnectionError(e) && !(e instanceof DStreamError)) {
          await dropConnection(this.url, this.commandTimeoutMs);
        }
        throw e;
      }
    });
  }
}
