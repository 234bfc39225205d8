import { DStreamError } from '../../errors.js';
import type { StreamingContext } from '../../streaming/streaming-context.js';
import { FlumePollingInputDStream } from './pull/flume-polling-input-dstream.js';
import { FlumeInputDStream } from './push/flume-input-dstream.js';

/** A SparkSink's address (Spark's `InetSocketAddress`). */
export interface FlumeAddress {
  /** The host the SparkSink listens on. */
  readonly host: string;
  /** Its port. */
  readonly port: number;
}

/** `createPollingStream`'s settings, with Spark's defaults. */
export interface FlumePollingOptions {
  /** Events asked of a sink per `getEventBatch` (Spark's default 1000; at most the channel's `transactionCapacity`). */
  readonly maxBatchSize?: number;
  /** Fetchers taking turns on the connections, each polling one batch at a time (default 5). */
  readonly parallelism?: number;
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      `port out of range:${port} (a TCP port is an integer from 0 to 65535)`,
    );
  }
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      `requirement failed: ${name} must be a positive whole number, got ${value}`,
    );
  }
  return value;
}

/**
 * Spark's `FlumeUtils` (spark-streaming-flume, removed from Spark in 3.0): the two ways a Flume
 * agent's events reach a stream. See docs/flume.md.
 */
export const FlumeUtils = {
  /**
   * The push-based stream (Spark's approach 1): the application is an Avro source on
   * `host:port`, and a Flume agent's Avro sink (`type = avro`, `hostname`, `port`) sends it its
   * events. A call of the sink is answered once its events are stored — in the write-ahead log
   * when `spark.streaming.receiver.writeAheadLog.enable` is on, so that a crash loses none; an
   * event whose answer was lost comes again (at-least-once). Start the application before the
   * agent: the sink retries every few seconds until the port listens.
   *
   * @example
   * ```ts
   * import { FlumeUtils, SparkFlumeEvent } from 'dstream/flume';
   * const events = FlumeUtils.createStream(ssc, '127.0.0.1', 41414);
   * events.map(SparkFlumeEvent.text).count().print();
   * ```
   */
  createStream(ssc: StreamingContext, host: string, port: number): FlumeInputDStream {
    checkPort(port);
    return new FlumeInputDStream(ssc, host, port);
  },

  /**
   * The pull-based stream (Spark's approach 2): Spark's `SparkSink` runs inside the Flume agent
   * (`type = org.apache.spark.streaming.flume.sink.SparkSink`) and keeps the events in the agent's
   * channel until the application takes them: `parallelism` fetchers ask the sinks at `addresses`
   * for up to `maxBatchSize` events at a time, store each batch as a block and only then
   * acknowledge it, so the sink commits its transaction; a batch not stored is nacked (or times
   * out in the sink) and the channel gives it again. Nothing is lost when the application dies
   * (at-least-once: a batch stored and not yet acked comes twice).
   *
   * @example
   * ```ts
   * import { FlumeUtils, SparkFlumeEvent } from 'dstream/flume';
   * const events = FlumeUtils.createPollingStream(ssc, [{ host: '127.0.0.1', port: 41415 }], {
   *   maxBatchSize: 1000,
   *   parallelism: 5,
   * });
   * events.map(SparkFlumeEvent.text).count().print();
   * ```
   */
  createPollingStream(
    ssc: StreamingContext,
    addresses: readonly FlumeAddress[] | string,
    portOrOptions?: number | FlumePollingOptions,
    options: FlumePollingOptions = {},
  ): FlumePollingInputDStream {
    let list: FlumeAddress[];
    let o = options;
    if (typeof addresses === 'string') {
      if (typeof portOrOptions !== 'number') {
        throw new DStreamError(
          'DSTREAM_ERR_INVALID_ARGUMENT',
          'createPollingStream(ssc, host, port): the port is missing',
        );
      }
      list = [{ host: addresses, port: portOrOptions }];
    } else {
      list = addresses.map((a) => ({ host: a.host, port: a.port }));
      if (typeof portOrOptions === 'object') o = portOrOptions;
    }
    if (list.length === 0) {
      throw new DStreamError(
        'DSTREAM_ERR_INVALID_ARGUMENT',
        'createPollingStream: no SparkSink address given',
      );
    }
    for (const a of list) checkPort(a.port);
    return new FlumePollingInputDStream(ssc, list, {
      maxBatchSize: positive('maxBatchSize', o.maxBatchSize ?? 1000),
      parallelism: positive('parallelism', o.parallelism ?? 5),
    });
  },
};
