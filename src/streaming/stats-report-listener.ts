import { Logger } from '../util/logging.js';
import type { BatchInfo } from './batch-info.js';
import type { StreamingListener } from './listener-bus.js';

const log = new Logger('StatsReportListener');

const PERCENTILES = [0, 5, 10, 25, 50, 75, 90, 95, 100];

/**
 * Logs, after every completed batch, the distribution of the total delay and the processing time
 * of the last `numBatchInfos` batches, as Spark's `StatsReportListener` does (INFO lines, the same
 * text): a summary, then the 0th to 100th percentiles.
 *
 * ```ts
 * import { StatsReportListener } from 'dstream';
 * ssc.addStreamingListener(new StatsReportListener(10));
 * // INFO StatsReportListener: Total delay: (count: 10, mean: 120.500000, stdev: ...)
 * // INFO StatsReportListener: 	0%	5%	10%	25%	50%	75%	90%	95%	100%
 * // INFO StatsReportListener: 	98 ms	98 ms	101 ms	...
 * ```
 */
export class StatsReportListener implements StreamingListener {
  /** The last completed batches, oldest first. */
  readonly batchInfos: BatchInfo[] = [];

  constructor(private readonly numBatchInfos = 10) {}

  /** Keeps the batch (dropping the oldest past `numBatchInfos`) and logs the statistics. */
  onBatchCompleted(event: { readonly batchInfo: BatchInfo }): void {
    this.batchInfos.push(event.batchInfo);
    if (this.batchInfos.length > this.numBatchInfos) this.batchInfos.shift();
    this.printStats();
  }

  /**
   * Logs the total delay's and processing time's statistics over the kept batches, as INFO lines.
   */
  printStats(): void {
    this.showMillisDistribution('Total delay: ', (b) => b.totalDelay);
    this.showMillisDistribution('Processing time: ', (b) => b.processingDelay);
  }

  private showMillisDistribution(
    heading: string,
    metric: (b: BatchInfo) => number | undefined,
  ): void {
    const data = this.batchInfos.flatMap((b) => metric(b) ?? []).sort((a, b) => a - b);
    if (data.length === 0) return; // Spark's Distribution of nothing is None: nothing is logged
    log.info(heading + statCounter(data));
    log.info('\t' + PERCENTILES.join('%\t') + '%');
    log.info('\t' + PERCENTILES.map((p) => msDurationToString(quantile(data, p / 100))).join('\t'));
  }
}

/** Spark's `Distribution.getQuantiles`: the element at `floor(p × n)`, the last for p = 1. */
function quantile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(Math.floor(p * sorted.length), sorted.length - 1)]!;
}

/** Spark's `StatCounter.toString` (population standard deviation, `%f` with 6 decimals). */
function statCounter(data: readonly number[]): string {
  const n = data.length;
  const mean = data.reduce((s, x) => s + x, 0) / n;
  const stdev = Math.sqrt(data.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
  const f = (x: number) => x.toFixed(6);
  return `(count: ${n}, mean: ${f(mean)}, stdev: ${f(stdev)}, max: ${f(Math.max(...data))}, min: ${f(Math.min(...data))})`;
}

/** Spark's `Utils.msDurationToString`. */
export function msDurationToString(ms: number): string {
  const t = Math.trunc(ms);
  if (t < 1000) return `${t} ms`;
  if (t < 60_000) return `${(t / 1000).toFixed(1)} s`;
  if (t < 3_600_000) return `${(t / 60_000).toFixed(1)} m`;
  return `${(t / 3_600_000).toFixed(2)} h`;
}
