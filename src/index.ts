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
export type { Pair } from './util/types.js';
export { DStreamError, ErrorCodes, type ErrorCode } from './errors.js';
export { RDD, SparkContext, HashPartitioner, type Partitioner } from './rdd/index.js';
export {
  StreamingContext,
  type StreamingContextOptions,
  type StreamingContextState,
  type StopOptions,
} from './streaming/streaming-context.js';
export type { StreamingListener, ReceiverInfo } from './streaming/listener-bus.js';
export {
  BatchInfo,
  type OutputOperationInfo,
  type StreamInputInfo,
} from './streaming/batch-info.js';
export { DStream, InputDStream } from './dstream/index.js';
export { Receiver } from './receiver/index.js';
export type { ReceivedBlock } from './receiver/index.js';
export { ReceiverInputDStream, FileInputDStream, type FileStreamOptions } from './sources/index.js';
