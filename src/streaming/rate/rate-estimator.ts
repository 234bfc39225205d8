import { DStreamError, requirement } from '../../errors.js';
import type { Duration } from '../../util/duration.js';
import type { StreamingConf } from '../conf.js';

/**
 * Turns what a batch did into the number of records per second an input stream should ingest
 * next, as Spark's `RateEstimator`.
 */
export interface RateEstimator {
  /**
   * The new rate (records/s) after a batch, or `undefined` when there is none to give.
   *
   * @param time when the batch's processing ended (ms)
   * @param numElements records the stream brought into the batch
   * @param processingDelay how long the batch's jobs ran (ms)
   * @param schedulingDelay how long the batch waited before its jobs started (ms)
   */
  compute(
    time: number,
    numElements: number,
    processingDelay: number,
    schedulingDelay: number,
  ): number | undefined;
}

/**
 * Spark's `PIDRateEstimator`: a proportional-integral-derivative controller whose error is the
 * difference between the last rate and the rate at which the last batch was processed, and whose
 * integral term is the backlog the scheduling delay reveals (records that waited, per batch
 * interval). The first valid batch only records the processing rate and gives no estimate.
 *
 * @example
 * ```ts
 * import { PIDRateEstimator } from 'dstream';
 * const pid = new PIDRateEstimator(1000, 1.0, 0.2, 0.0, 100);
 * pid.compute(1500, 1000, 500, 0); // undefined: the first batch only sets the reference
 * pid.compute(2500, 1000, 500, 0); // 2000 records/s
 * ```
 */
export class PIDRateEstimator implements RateEstimator {
  private firstRun = true;
  private latestTime = -1;
  private latestRate = -1;
  private latestError = -1;

  constructor(
    private readonly batchIntervalMillis: number,
    private readonly proportional: number,
    private readonly integral: number,
    private readonly derivative: number,
    private readonly minRate: number,
  ) {
    const code = 'DSTREAM_ERR_INVALID_CONF';
    requirement(
      batchIntervalMillis > 0,
      code,
      `Specified batch interval ${batchIntervalMillis} in PIDRateEstimator is invalid.`,
    );
    requirement(
      proportional >= 0,
      code,
      `Proportional term ${javaDouble(proportional)} in PIDRateEstimator should be >= 0.`,
    );
    requirement(
      integral >= 0,
      code,
      `Integral term ${javaDouble(integral)} in PIDRateEstimator should be >= 0.`,
    );
    requirement(
      derivative >= 0,
      code,
      `Derivative term ${javaDouble(derivative)} in PIDRateEstimator should be >= 0.`,
    );
    requirement(minRate > 0, code, 'Minimum rate in PIDRateEstimator should be > 0');
  }

  compute(
    time: number,
    numElements: number,
    processingDelay: number,
    schedulingDelay: number,
  ): number | undefined {
    if (!(time > this.latestTime && numElements > 0 && processingDelay > 0)) return undefined;
    const delaySinceUpdate = (time - this.latestTime) / 1000;
    const processingRate = (numElements / processingDelay) * 1000;
    // Positive when the last rate asked for more than the batch could process.
    const error = this.latestRate - processingRate;
    // Records that waited (scheduling delay at the processing rate), per batch interval.
    const historicalError = (schedulingDelay * processingRate) / this.batchIntervalMillis;
    const dError = (error - this.latestError) / delaySinceUpdate;
    const newRate = Math.max(
      this.latestRate -
        this.proportional * error -
        this.integral * historicalError -
        this.derivative * dError,
      this.minRate,
    );
    this.latestTime = time;
    if (this.firstRun) {
      this.latestRate = processingRate;
      this.latestError = 0;
      this.firstRun = false;
      return undefined;
    }
    this.latestRate = newRate;
    this.latestError = error;
    return newRate;
  }
}

/**
 * The estimator `spark.streaming.backpressure.rateEstimator` names, as Spark's
 * `RateEstimator.create`: only `pid` (the default), with its `spark.streaming.backpressure.pid.*`
 * gains (proportional 1.0, integral 0.2, derived 0.0) and `minRate` (100 records/s).
 */
export function createRateEstimator(conf: StreamingConf, batchInterval: Duration): RateEstimator {
  const name = conf.get('spark.streaming.backpressure.rateEstimator') ?? 'pid';
  if (name !== 'pid') {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_CONF',
      `Unknown rate estimator: ${name} (spark.streaming.backpressure.rateEstimator accepts only pid)`,
    );
  }
  return new PIDRateEstimator(
    batchInterval.milliseconds,
    conf.getNumber('spark.streaming.backpressure.pid.proportional', 1.0),
    conf.getNumber('spark.streaming.backpressure.pid.integral', 0.2),
    conf.getNumber('spark.streaming.backpressure.pid.derived', 0.0),
    conf.getNumber('spark.streaming.backpressure.pid.minRate', 100),
  );
}

/** A double as Scala prints it in Spark's messages (`-1.0`, `0.5`). */
function javaDouble(x: number): string {
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}
