import type { Time } from './util/time.js';

/**
 * Every error dstream raises for something a user can cause carries one of these codes. A code is
 * never reused once released; `docs/errors.md` lists them all (a test keeps the two in step).
 */
export const ErrorCodes = {
  DSTREAM_ERR_NO_OUTPUT_OPERATIONS: 'start() with no output operation registered',
  DSTREAM_ERR_ALREADY_STOPPED: 'start() on a context that has been stopped',
  DSTREAM_ERR_ANOTHER_CONTEXT_ACTIVE: 'start() while another StreamingContext is active',
  DSTREAM_ERR_ADDED_AFTER_START: 'a DStream declared after start()',
  DSTREAM_ERR_ADDED_AFTER_STOP: 'a DStream declared after stop()',
  DSTREAM_ERR_INVALID_MASTER: 'a master that is not local, local[N] or local[*]',
  DSTREAM_ERR_INVALID_DURATION: 'a batch, window or slide duration that is not positive',
  DSTREAM_ERR_INVALID_ARGUMENT: 'an argument out of range, such as a partition count below 1',
  DSTREAM_ERR_INVALID_CONF:
    'a setting of the wrong form or missing (no app name), or a properties file that cannot be read',
  DSTREAM_ERR_CHECKPOINT_DIR_NOT_SET: 'a stateful operation without StreamingContext.checkpoint()',
  DSTREAM_ERR_CHECKPOINT_INTERVAL:
    'a checkpoint interval shorter than or not a multiple of the slide',
  DSTREAM_ERR_WINDOW_NOT_MULTIPLE: 'a window that is not a multiple of the parent slide',
  DSTREAM_ERR_SLIDE_NOT_MULTIPLE: 'a slide that is not a multiple of the parent slide',
  DSTREAM_ERR_DIFFERENT_SLIDES: 'union or transform of streams with different slides',
  DSTREAM_ERR_DIFFERENT_CONTEXTS: 'union or transform of streams of different contexts',
  DSTREAM_ERR_EMPTY_STREAM_LIST: 'union or transform of an empty list of streams',
  DSTREAM_ERR_PARENT_RDD_MISSING: 'a parent stream with no RDD for a batch that needs one',
  DSTREAM_ERR_TRANSFORM_RETURNED_NULL: 'a transform function that returned null or undefined',
  DSTREAM_ERR_NOT_INITIALIZED: 'slice() on a stream whose context has not started',
  DSTREAM_ERR_REMEMBER_ALREADY_SET: 'remember() called twice',
  DSTREAM_ERR_CHANGED_AFTER_START: 'persist() or checkpoint() on a stream after start()',
  DSTREAM_ERR_STOP_IN_LISTENER: 'stop() called from a streaming listener',
  DSTREAM_ERR_BATCH_FAILED: 'a user function threw while a batch ran',
  DSTREAM_ERR_EMPTY_COLLECTION: 'reduce() or first() on an empty RDD',
  DSTREAM_ERR_RECEIVER: 'a receiver used outside its supervisor, or a block added after stop',
  DSTREAM_ERR_UNSUPPORTED_KEY: 'a key that is not a string, number, bigint, boolean or plain data',
  DSTREAM_ERR_OUTPUT_PATH: 'an output directory that cannot be written',
  DSTREAM_ERR_WINDOW_KEY_MISSING: 'a window key in neither the previous window nor the new batches',
  DSTREAM_ERR_CONTEXT_STOPPED: 'an RDD made, an action run or a task cut short by a stop',
  DSTREAM_ERR_INPUT_PATH: 'textFile() of a missing path, or of a file removed before it was read',
  DSTREAM_ERR_STATE_NOT_SET: 'State.get() in mapWithState on a key that has no state',
  DSTREAM_ERR_STATE_REMOVED: 'State.update() or remove() after remove() in mapWithState',
  DSTREAM_ERR_STATE_TIMING_OUT: 'State.update() or remove() on a state that is timing out',
  DSTREAM_ERR_STATE_UNAVAILABLE: 'reading a state stream RDD of a batch no longer remembered',
  DSTREAM_ERR_SNAPSHOT_UNSUPPORTED_VALUE:
    'state holding a value snapshots cannot store, such as a class instance',
  DSTREAM_ERR_SNAPSHOT_CORRUPT:
    'a checkpoint or snapshot file that is truncated, corrupt or of another format',
  DSTREAM_ERR_CHECKPOINT_READ: 'a checkpoint directory none of whose checkpoint files can be read',
  DSTREAM_ERR_CHECKPOINT_DIR_UNREADABLE: 'a checkpoint directory that cannot be listed or read',
  DSTREAM_ERR_CHECKPOINT_INCOMPATIBLE:
    'a checkpoint of another app or batch duration, or from a newer dstream',
  DSTREAM_ERR_STATE_ORPHANED:
    'checkpointed state of a stateful operator the application no longer has',
  DSTREAM_ERR_STATE_UNREADABLE: 'a stateful operator whose checkpointed state cannot be read',
  DSTREAM_ERR_DUPLICATE_STATE_NAME: 'two stateful operators with the same name',
  DSTREAM_ERR_STATE_MISMATCH:
    'checkpointed state whose shape no longer matches what the code stores',
  DSTREAM_ERR_STATE_MIGRATION_FAILED: 'a getOrCreate migration that threw for a stored state',
  DSTREAM_ERR_STATE_NOT_COPARTITIONED:
    'scale-out state whose keys are not placed as the Kafka partitions they come from',
  DSTREAM_ERR_WINDOW_STATE_NOT_MOVABLE:
    'an incremental window (with an inverse function) over a scale-out Kafka stream',
  DSTREAM_ERR_WORKER_FAILED: 'a local[N] task thread that could not load the app or died',
  DSTREAM_ERR_UNKNOWN_PARTITION_SOURCE: 'a partition source whose kind has no registered reader',
  DSTREAM_ERR_ASYNC_READ_OUTSIDE_TASK: 'a partition read asynchronously outside an RDD action',
  DSTREAM_ERR_NOT_PREPARED: 'an RDD of fromAsync read before a job ran its function',
  DSTREAM_ERR_WAL_WITHOUT_CHECKPOINT:
    'the receiver write-ahead log enabled with no checkpoint directory',
  DSTREAM_ERR_WAL_WRITE: 'a block that could not be written to the receiver write-ahead log',
  DSTREAM_ERR_WAL_UNREADABLE: 'a record of the receiver write-ahead log that is missing or torn',
  DSTREAM_ERR_KAFKA_SETUP: 'Java or Maven missing, or Maven could not fetch the Kafka broker jars',
  DSTREAM_ERR_KAFKA_BROKER_START:
    'a Kafka broker that did not start: a port taken, or the broker exited or never got ready',
  DSTREAM_ERR_HBASE_SETUP: 'Java, javac or Maven missing, or Maven could not fetch the HBase jars',
  DSTREAM_ERR_HBASE_START:
    'an HBase that did not start: a port taken, or the JVM exited, aborted or never got ready',
  DSTREAM_ERR_KAFKA_UNREACHABLE: 'no Kafka broker accepting connections at the bootstrap address',
  DSTREAM_ERR_KAFKA_CLIENT_MISSING: 'a Kafka command without the optional @platformatic/kafka',
  DSTREAM_ERR_KAFKA_TOPIC: 'a Kafka topic that does not exist, or that cannot be created',
  DSTREAM_ERR_KAFKA_INPUT: 'a console-producer line without the --key-separator',
  DSTREAM_ERR_KAFKA_OFFSETS: 'an offset range the Kafka partition does not hold',
  DSTREAM_ERR_KAFKA_FETCH: 'a fetch from a Kafka partition that the broker answered with an error',
  DSTREAM_ERR_KAFKA_DESERIALIZE: "a Kafka record's key or value its deserializer cannot read",
  DSTREAM_ERR_KAFKA_REVOKED:
    "a direct stream's partitions given to another member of its consumer group",
  DSTREAM_ERR_KAFKA_OFFSET_OUT_OF_RANGE:
    'an offset range whose records Kafka has deleted (retention) or never had',
  DSTREAM_ERR_KAFKA_PARSE: "a Kafka record that the application's parse function rejected",
  DSTREAM_ERR_KAFKA_DEAD_LETTER:
    'a bad Kafka record that could not be written to its dead-letter topic',
  DSTREAM_ERR_SINK_OFFSETS_MISMATCH:
    "a batch whose offsets do not start where a sink's stored offsets end",
  DSTREAM_ERR_SINK_WRITE: "a store that could not be reached or refused a batch's write",
  DSTREAM_ERR_SINK_CLIENT_MISSING: 'a sink without its optional client library, such as pg',
  DSTREAM_ERR_SEARCH_SERVER_SETUP:
    'Java, javac or Maven missing, or the OpenSearch (or test Elasticsearch) jars not fetched',
  DSTREAM_ERR_SEARCH_SERVER_START:
    'an OpenSearch or Elasticsearch node that did not start: a port taken, or it exited or never got ready',
  DSTREAM_ERR_UI: 'a web UI that could not be loaded, or found no free port to listen on',
  DSTREAM_ERR_SQL_ENGINE_MISSING: 'dstream/sql without its optional SQL engine, @duckdb/node-api',
  DSTREAM_ERR_SQL_NOT_LOADED:
    'rdd.toDF or stream.sql in a program that has not loaded dstream/sql (Spark: import spark.implicits._)',
  DSTREAM_ERR_SQL: 'a SQL query the engine rejected: a syntax error, an unknown column or view',
  DSTREAM_ERR_SQL_SCHEMA: 'a DataFrame schema that cannot be parsed, or rows that do not match it',
  DSTREAM_ERR_SQL_SESSION_STOPPED: 'a SparkSession or one of its DataFrames used after stop()',
  DSTREAM_ERR_SQL_UNRESOLVED_COLUMN:
    'a DataFrame transformation naming a column its input does not have, or an ambiguous one',
  DSTREAM_ERR_SQL_ARGUMENT:
    'a DataFrame transformation or column function given an argument Spark would refuse',
  DSTREAM_ERR_SQL_NO_CONTEXT:
    'df.rdd with no SparkContext known to the session: give it one with builder().sparkContext(sc)',
  DSTREAM_ERR_SQL_PATH_EXISTS: 'df.write to a path that exists, in the default save mode',
  DSTREAM_ERR_SQL_WRITE:
    'df.write with an unknown save mode, format or codec, or a missing partition column',
  DSTREAM_ERR_RECORD_LENGTH:
    'a fixed-length record file whose length is not a multiple of the record length',
  DSTREAM_ERR_RAW_SOCKET_BLOCK: 'a rawSocketStream block that is not a well-formed record block',
  DSTREAM_ERR_STORAGE_LEVEL_CHANGED: 'persist(level) on an RDD that already has another level',
  DSTREAM_ERR_NOT_SERIALIZABLE: 'a record a serialised or disk storage level cannot store',
  DSTREAM_ERR_BROADCAST_DESTROYED: 'a broadcast variable used after destroy()',
  DSTREAM_ERR_ACCUMULATOR: 'an accumulator merged with another kind, or unknown to the driver',
  DSTREAM_ERR_FLUME_CLIENT_MISSING: 'dstream/flume without its optional Avro RPC library, avsc',
  DSTREAM_ERR_FLUME_PROTOCOL:
    'a Flume connection that sent a malformed Avro RPC frame, or a call the protocol does not have',
  DSTREAM_ERR_FLUME_SETUP: 'Java or Maven missing, or Maven could not fetch the Flume agent jars',
  DSTREAM_ERR_FLUME_AGENT_START:
    'a Flume agent that did not start: a bad configuration, a port taken, or it exited or never got ready',
} as const;

/**
 * The code of a {@link DStreamError}: a key of {@link ErrorCodes}, such as `'DSTREAM_ERR_BATCH_FAILED'`.
 */
export type ErrorCode = keyof typeof ErrorCodes;

/** What a {@link DStreamError} carries besides its code and message. */
export interface DStreamErrorOptions {
  /** The error that caused it, such as the user's error thrown by a function of a batch. */
  cause?: unknown;
  /** The batch the error happened in, when it happened while a batch ran. */
  batchTime?: Time;
}

/**
 * The error class of dstream: a `code` from {@link ErrorCodes}, Spark's message where Spark has one,
 * the batch it happened in (`batchTime`) when it happened while a batch ran, and the user's own
 * error as `cause`.
 */
export class DStreamError extends Error {
  /** Which error this is: stable across releases, unlike the message (see docs/errors.md). */
  readonly code: ErrorCode;
  /**
   * The time of the batch it happened in; `undefined` outside a batch (at declaration or start).
   */
  batchTime: Time | undefined;

  /**
   * An error with `code`, `message` (Spark's where Spark has one) and, in `options`, its cause and batch time.
   */
  constructor(code: ErrorCode, message: string, options: DStreamErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DStreamError';
    this.code = code;
    this.batchTime = options.batchTime;
  }
}

/** Scala's `require`: throws with Spark's `requirement failed: ` prefix. */
export function requirement(
  condition: boolean,
  code: ErrorCode,
  message: string,
): asserts condition {
  if (!condition) throw new DStreamError(code, `requirement failed: ${message}`);
}

/** The message of any thrown value. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
