import { join } from 'node:path';
import { DStreamError } from '../../errors.js';
// Loads the RDD layer, which attaches coalesce().
import '../../rdd/index.js';
import type { RDD } from '../../rdd/index.js';
import type { Time } from '../../util/time.js';

export interface PartitionedTextFileOptions {
  /**
   * The time zone that decides a batch's date and hour: `'local'` (default, the process's zone),
   * `'UTC'`, or an IANA name such as `'Asia/Shanghai'`.
   */
  timeZone?: string;
  /** `'yyyyMMdd'` (default, `date_str=20190710`) or `'yyyy-MM-dd'` (as the seed's code writes it). */
  dateFormat?: 'yyyy-MM-dd' | 'yyyyMMdd';
  /** Files per batch (default 1: the batch is coalesced into one `part-00000`). */
  numFiles?: number;
}

/**
 * Writes one batch into a Hive-style partitioned directory tree, as the seed's "output to HDFS
 * partition directories" does with `rdd.coalesce(1).saveAsTextFile(...)`:
 * `<baseDir>/date_str=<date>/hour_str=<HH>/<batch ms>/part-00000` (plus Hadoop's `_SUCCESS`
 * marker), one element per line, printed as `print()` prints it. An empty batch writes nothing
 * (the seed's `if (!rdd.isEmpty())`).
 *
 * The leaf directory is named after the batch time rather than the wall clock, so a batch that
 * runs again (after recovery) replaces its own output instead of adding a copy. Resolves with the
 * directory written, or `undefined` for an empty batch.
 *
 * @example
 * ```ts
 * import { saveAsPartitionedTextFile } from 'dstream/sinks/files';
 * wordCounts.foreachRDD(async (rdd, time) => {
 *   await saveAsPartitionedTextFile(rdd, time, 'datas/streaming/logs');
 *   // datas/streaming/logs/date_str=2019-07-10/hour_str=11/1562729940000/part-00000
 * });
 * ```
 */
export async function saveAsPartitionedTextFile<T>(
  rdd: RDD<T>,
  time: Time,
  baseDir: string,
  options: PartitionedTextFileOptions = {},
): Promise<string | undefined> {
  const directory = partitionDirectory(baseDir, time, options);
  const numFiles = options.numFiles ?? 1;
  if (!Number.isInteger(numFiles) || numFiles < 1) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      `requirement failed: Number of files (${numFiles}) must be a positive integer`,
    );
  }
  if (await rdd.isEmpty()) return undefined;
  await rdd.coalesce(numFiles).writeTextFiles(directory);
  return directory;
}

/**
 * The directory {@link saveAsPartitionedTextFile} writes a batch to:
 * `<baseDir>/date_str=<date>/hour_str=<HH>/<batch ms>`.
 */
export function partitionDirectory(
  baseDir: string,
  time: Time,
  options: Pick<PartitionedTextFileOptions, 'timeZone' | 'dateFormat'> = {},
): string {
  const { year, month, day, hour } = dateParts(time.milliseconds, options.timeZone ?? 'local');
  const date =
    (options.dateFormat ?? 'yyyyMMdd') === 'yyyyMMdd'
      ? `${year}${month}${day}`
      : `${year}-${month}-${day}`;
  return join(baseDir, `date_str=${date}`, `hour_str=${hour}`, String(time.milliseconds));
}

const formats = new Map<string, Intl.DateTimeFormat>();

function dateParts(
  ms: number,
  timeZone: string,
): { year: string; month: string; day: string; hour: string } {
  let format = formats.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: timeZone === 'local' ? undefined : timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      throw new DStreamError(
        'DSTREAM_ERR_INVALID_ARGUMENT',
        `Invalid time zone: ${timeZone}; use 'local', 'UTC' or an IANA name such as 'Asia/Shanghai'`,
      );
    }
    // The local zone is looked up each time: it follows a change of process.env.TZ.
    if (timeZone !== 'local') formats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(ms)) parts[p.type] = p.value;
  return {
    year: (parts.year ?? '').padStart(4, '0'),
    month: parts.month ?? '',
    day: parts.day ?? '',
    hour: parts.hour ?? '',
  };
}
