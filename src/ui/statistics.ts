import type { BatchInfo } from '../streaming/batch-info.js';
import type { BatchUIData, StreamingJobProgressListener } from './progress-listener.js';

/** One value per batch: `[batch ms, value]`, oldest batch first. */
export type Series = readonly (readonly [batchTime: number, value: number])[];

/**
 * What the statistics page draws and the JSON API's `statistics` averages, computed once from the
 * retained batches (waiting, running and completed, as Spark's `listener.retainedBatches`): the
 * input rate over all streams (records/s) and the three delays (ms) of each batch that has them.
 */
export interface StreamingStatistics {
  readonly batches: readonly BatchUIData[];
  readonly inputRate: Series;
  readonly schedulingDelay: Series;
  readonly processingTime: Series;
  readonly totalDelay: Series;
  readonly avgInputRate: number | undefined;
  readonly avgSchedulingDelay: number | undefined;
  readonly avgProcessingTime: number | undefined;
  readonly avgTotalDelay: number | undefined;
}

/** The average of some numbers, integral for durations (Spark's `Long` division), or none. */
export function average(values: readonly number[], integral: boolean): number | undefined {
  if (values.length === 0) return undefined;
  let sum = 0;
  for (const x of values) sum += x;
  const mean = sum / values.length;
  return integral ? Math.trunc(mean) : mean;
}

/** Spark's rate of a batch: its records over the batch interval, per second. */
export function recordsPerSecond(records: number, batchDuration: number): number {
  return (records * 1000) / batchDuration;
}

export function streamingStatistics(l: StreamingJobProgressListener): StreamingStatistics {
  const batches = l.allRetainedBatches;
  const delays = (f: (b: BatchInfo) => number | undefined): Series =>
    batches.flatMap((b) => {
      const value = f(b.info);
      return value === undefined ? [] : [[b.batchTime, value] as const];
    });
  const inputRate: Series = batches.map(
    (b) => [b.batchTime, recordsPerSecond(b.info.numRecords, l.batchDuration)] as const,
  );
  const schedulingDelay = delays((b) => b.schedulingDelay);
  const processingTime = delays((b) => b.processingDelay);
  const totalDelay = delays((b) => b.totalDelay);
  const values = (s: Series) => s.map(([, v]) => v);
  return {
    batches,
    inputRate,
    schedulingDelay,
    processingTime,
    totalDelay,
    avgInputRate: average(values(inputRate), false),
    avgSchedulingDelay: average(values(schedulingDelay), true),
    avgProcessingTime: average(values(processingTime), true),
    avgTotalDelay: average(values(totalDelay), true),
  };
}
