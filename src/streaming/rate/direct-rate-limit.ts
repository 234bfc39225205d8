import type { StreamingConf } from '../conf.js';
import { isBackpressureEnabled } from './rate-controller.js';

/**
 * Rate settings per partition of a direct input (one that reads offset ranges of a partitioned
 * log itself, as the Kafka direct stream does), as Spark's `PerPartitionConfig`.
 */
export interface PerPartitionConfig<P> {
  /** Records per second one partition may bring; 0 means unlimited. */
  maxRatePerPartition(partition: P): number;
  /** The fewest records per batch a partition is limited to when a limit applies (1). */
  minRatePerPartition(partition: P): number;
}

/**
 * The same settings for every partition: `spark.streaming.kafka.maxRatePerPartition` (0) and
 * `spark.streaming.kafka.minRatePerPartition` (1).
 */
export function defaultPerPartitionConfig(conf: StreamingConf): PerPartitionConfig<unknown> {
  const max = conf.getNumber('spark.streaming.kafka.maxRatePerPartition', 0);
  const min = conf.getNumber('spark.streaming.kafka.minRatePerPartition', 1);
  return { maxRatePerPartition: () => max, minRatePerPartition: () => min };
}

/**
 * How far each partition of a direct input may read in one batch. With backpressure, the stream's
 * rate (the last estimate, else `spark.streaming.backpressure.initialRate`) is shared among the
 * partitions in proportion to their lag, each share capped by its `maxRatePerPartition`; without,
 * each partition gets its `maxRatePerPartition`. The stream registers this object as its
 * `updateRateLimit` target, so the context's rate controller feeds it.
 */
export class DirectRateLimit<P> {
  private latestRate = -1;
  private readonly backpressure: boolean;
  private readonly initialRate: number;

  constructor(
    conf: StreamingConf,
    private readonly batchMs: number,
    private readonly config: PerPartitionConfig<P> = defaultPerPartitionConfig(conf),
  ) {
    this.backpressure = isBackpressureEnabled(conf);
    this.initialRate = conf.getNumber('spark.streaming.backpressure.initialRate', 0);
  }

  /** The rate controller's newest estimate (records/s for the whole stream). */
  updateRate(recordsPerSecond: number): void {
    this.latestRate = recordsPerSecond;
  }

  /**
   * The most records each partition may bring into the next batch, given where the stream stands
   * (`current`) and the newest offsets (`latest`); `undefined` when nothing limits the batch.
   */
  maxRecordsPerPartition(
    current: ReadonlyMap<P, number>,
    latest: ReadonlyMap<P, number>,
  ): Map<P, number> | undefined {
    const rate = this.backpressure ? (this.latestRate > 0 ? this.latestRate : this.initialRate) : 0;
    const perPartition = new Map<P, number>();
    if (rate > 0) {
      let totalLag = 0;
      for (const [p, offset] of latest) totalLag += Math.max(offset - (current.get(p) ?? 0), 0);
      for (const [p, offset] of latest) {
        const lag = Math.max(offset - (current.get(p) ?? 0), 0);
        const share = totalLag > 0 ? (lag / totalLag) * rate : 0;
        const max = this.config.maxRatePerPartition(p);
        perPartition.set(p, max > 0 ? Math.min(share, max) : share);
      }
    } else {
      for (const p of latest.keys()) perPartition.set(p, this.config.maxRatePerPartition(p));
    }
    let sum = 0;
    for (const r of perPartition.values()) sum += r;
    if (!(sum > 0)) return undefined;
    const seconds = this.batchMs / 1000;
    const limits = new Map<P, number>();
    for (const [p, r] of perPartition) {
      limits.set(p, Math.max(Math.trunc(seconds * r), this.config.minRatePerPartition(p)));
    }
    return limits;
  }

  /** Where each partition's range for the next batch ends: `latest`, or less when limited. */
  untilOffsets(current: ReadonlyMap<P, number>, latest: ReadonlyMap<P, number>): Map<P, number> {
    const limits = this.maxRecordsPerPartition(current, latest);
    const until = new Map<P, number>();
    for (const [p, offset] of latest) {
      const limit = limits?.get(p);
      until.set(p, limit === undefined ? offset : Math.min((current.get(p) ?? 0) + limit, offset));
    }
    return until;
  }
}
