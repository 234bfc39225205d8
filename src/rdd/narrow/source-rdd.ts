import { readPartitionSource, type PartitionSource } from '../partition-source.js';
import { RDD } from '../rdd.js';
import type { Emit, TaskContext } from '../task-context.js';

/**
 * An RDD read from outside, whose partitions are described as plain data ({@link PartitionSource}):
 * whichever thread runs a task reads its partition itself, synchronously (a slice of a file) or
 * asynchronously (a fetch from a broker), through the reader registered for the source's kind.
 * Subclasses give the partition count, the sources and a `kind` for `toString()`.
 *
 * @example
 * ```ts
 * import { SourceRDD, registerPartitionReader, type SparkContext } from 'dstream';
 * import { readFile } from 'node:fs/promises';
 *
 * interface WordsFile { readonly kind: 'wordsFile'; readonly path: string }
 * registerPartitionReader<WordsFile, string>({
 *   kind: 'wordsFile',
 *   read: async ({ path }) => (await readFile(path, 'utf8')).split(/\s+/).filter(Boolean),
 * });
 *
 * class WordsFilesRDD extends SourceRDD<string> {
 *   readonly paths: readonly string[];
 *   constructor(sc: SparkContext, paths: readonly string[]) { super(sc); this.paths = paths; }
 *   get numPartitions() { return this.paths.length; }
 *   protected get kind() { return 'wordsFiles'; }
 *   partitionSource(split: number): WordsFile { return { kind: 'wordsFile', path: this.paths[split]! }; }
 * }
 * ```
 */
export abstract class SourceRDD<T> extends RDD<T> {
  constructor(context: RDD<T>['context']) {
    super(context, []);
  }

  abstract override partitionSource(split: number): PartitionSource;

  protected compute(split: number, _task: TaskContext, emit: Emit<T>): void {
    const records = readPartitionSource<T>(this.partitionSource(split));
    for (let i = 0; i < records.length; i++) emit(records[i]!);
  }
}
