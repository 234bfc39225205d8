/**
 * `dstream/flume`: Spark's Flume integration (spark-streaming-flume, reference §7), both ways: the
 * push stream (an Avro source Flume's Avro sink sends to) and the polling stream (a client of
 * Spark's SparkSink inside the agent). Loaded only by applications that import it; the Avro RPC
 * library, `avsc`, is an optional peer dependency.
 */
export { FlumeUtils, type FlumeAddress, type FlumePollingOptions } from './flume-utils.js';
export { SparkFlumeEvent } from './spark-flume-event.js';
export { FlumeInputDStream } from './push/flume-input-dstream.js';
export { FlumePollingInputDStream } from './pull/flume-polling-input-dstream.js';
