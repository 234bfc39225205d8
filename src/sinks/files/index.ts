/**
 * Output helpers that write batches as files: `dstream/sinks/files`.
 *
 * @example
 * ```ts
 * import { saveAsPartitionedTextFile } from 'dstream/sinks/files';
 * counts.foreachRDD(async (rdd, time) => {
 *   await saveAsPartitionedTextFile(rdd, time, 'datas/streaming/logs');
 * });
 * ```
 */
export {
  saveAsPartitionedTextFile,
  partitionDirectory,
  type PartitionedTextFileOptions,
} from './partitioned-text-file.js';
