import type { StreamingConf } from '../streaming/conf.js';

/**
 * The records-per-second limit of a receiver's single-record stores, as Spark's `RateLimiter`:
 * `spark.streaming.receiver.maxRate` caps it (0 or less, or unset, means no limit) and
 * `spark.streaming.backpressure.initialRate` sets where it starts. `updateRate` is the hook
 * backpressure uses to change it while the receiver runs.
 */
export class RateLimiter {
  private readonly maxRate: number;
  private current: number;

  constructor(conf: StreamingConf) {
    const max = conf.getNumber('spark.streaming.receiver.maxRate', 0);
    this.maxRate = max > 0 ? max : Infinity;
    const initial = conf.getNumber('spark.streaming.backpressure.initialRate', this.maxRate);
    this.current = initial > 0 ? Math.min(initial, this.maxRate) : this.maxRate;
  }

  /** Records per second now allowed (`Infinity`: no limit). */
  getCurrentLimit(): number {
    return this.current;
  }

  /** Sets a new rate, bounded by `maxRate`; a rate of 0 or less is ignored (as in Spark). */
  updateRate(newRate: number): void {
    if (newRate > 0) this.current = Math.min(newRate, this.maxRate);
  }
}
