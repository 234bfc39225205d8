import type { BatchInfo } from '../batch-info.js';
import type { StreamingConf } from '../conf.js';
import type { StreamingListener } from '../listener-bus.js';
import type { RateEstimator } from './rate-estimator.js';

/** True when `spark.streaming.backpressure.enabled` is `true` (default `false`). */
export function isBackpressureEnabled(conf: StreamingConf): boolean {
  return conf.getBoolean('spark.streaming.backpressure.enabled', false);
}

/**
 * Adapts one input stream's ingestion rate to how fast batches are processed, as Spark's
 * `RateController`: a streaming listener that, after each completed batch with an end time, both
 * delays and a record count for its stream, asks the estimator for a new rate and, when there is
 * one, keeps it (as whole records per second, as Spark's `Long`) and publishes it to the stream
 * (a receiver stream passes it to its rate limiter, bounded by `spark.streaming.receiver.maxRate`).
 * The context registers one for every input stream with an `updateRateLimit` when
 * `spark.streaming.backpressure.enabled` is true.
 */
export class RateController implements StreamingListener {
  private latestRate = -1;

  constructor(
    /** The input stream id whose record count each batch reports. */
    readonly streamId: number,
    private readonly estimator: RateEstimator,
    private readonly publish: (recordsPerSecond: number) => void,
  ) {}

  /** The last rate published (records/s), -1 before the first. */
  getLatestRate(): number {
    return this.latestRate;
  }

  onBatchCompleted(event: { batchInfo: BatchInfo }): void {
    const info = event.batchInfo;
    const end = info.processingEndTime;
    const processingDelay = info.processingDelay;
    const schedulingDelay = info.schedulingDelay;
    const input = info.streamIdToInputInfo.get(this.streamId);
    if (
      end === undefined ||
      processingDelay === undefined ||
      schedulingDelay === undefined ||
      input === undefined
    ) {
      return;
    }
    const rate = this.estimator.compute(end, input.numRecords, processingDelay, schedulingDelay);
    if (rate === undefined) return;
    this.latestRate = Math.trunc(rate);
    this.publish(this.latestRate);
  }
}
