/**
 * dstream: Spark Streaming's DStream engine for Node.js.
 *
 * @example
 * ```ts
 * import { StreamingContext, Seconds } from 'dstream';
 * const ssc = new StreamingContext({ master: 'local[2]', appName: 'App', batchDuration: Seconds(1) });
 * ```
 */
import './rdd/index.js';
import './dstream/index.js';
import './sources/index.js';

export { Duration, Milliseconds, Seconds, Minutes } from './util/duration.js';
export { Time } from './util/time.js';
export { ManualClock, SystemClock, type Clock } from './util/clock.js';
export { setLogLevel } from './util/logging.js';
export { isDriver, onDriver } from './util/role.js';
export type { Pair } from './util/types.js';
export { DStreamError, ErrorCodes, type DStreamErrorOptions, type ErrorCode } from './errors.js';
export {
  RDD,
  SparkContext,
  type SparkContextOptions,
  HashPartitioner,
  StorageLevel,
  Broadcast,
  AccumulatorV2,
  LongAccumulator,
  DoubleAccumulator,
  CollectionAccumulator,
  SourceRDD,
  registerPartitionReader,
  type Partitioner,
  type Partitioning,
  type PartitionSource,
  type PartitionReader,
  type TaskContext,
  type Emit,
  OffsetRange,
  hasOffsetRanges,
  type HasOffsetRanges,
  type TopicPartition,
  type DataFrameOf,
  type SqlImplicits,
  type SqlInputRow,
  type SqlRow,
  type SqlSchema,
} from './rdd/index.js';
export {
  StreamingContext,
  type StreamingContextOptions,
  type StreamingContextState,
  type StopOptions,
} from './streaming/streaming-context.js';
export type { StreamingListener, ReceiverInfo } from './streaming/listener-bus.js';
export type { StateOperatorInfo, TaskThreadInfo } from './streaming/engine-info.js';
export { StatsReportListener } from './streaming/stats-report-listener.js';
export { PIDRateEstimator, type RateEstimator } from './streaming/rate/rate-estimator.js';
export {
  DirectRateLimit,
  defaultPerPartitionConfig,
  type PerPartitionConfig,
} from './streaming/rate/direct-rate-limit.js';
export type { StreamingConf } from './streaming/conf.js';
export { BatchInfo, OutputOperationInfo, type StreamInputInfo } from './streaming/batch-info.js';
export { Receiver } from './receiver/index.js';
export type { ReceivedBlock } from './receiver/index.js';
export { FileInputDStream, type FileStreamOptions } from './sources/index.js';
export {
  TextInputFormat,
  FixedLengthBinaryInputFormat,
  WholeFileInputFormat,
  type InputFormat,
  type ReadContext,
  type ReadFiles,
  type FileRecordStreamOptions,
  encodeRawBlock,
} from './sources/index.js';
export {
  DStream,
  InputDStream,
  ReceiverInputDStream,
  MapWithStateDStream,
  StateSpec,
  type State,
  type MappingFunction,
  type UpdateStateFunction,
  type UpdateStateByKeyOptions,
} from './dstream/index.js';
export {
  encodeSnapshot,
  decodeSnapshot,
  SNAPSHOT_FORMAT_VERSION,
  type SnapshotData,
} from './state/snapshot-codec.js';
export type { GetOrCreateOptions, StateMigration } from './streaming/checkpoint/recovery.js';
