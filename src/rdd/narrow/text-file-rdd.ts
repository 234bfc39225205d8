import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DStreamError } from '../../errors.js';
import { Logger } from '../../util/logging.js';
import { registerPartitionReader } from '../partition-source.js';
import type { SparkContext } from '../spark-context.js';
import { positionalSlice } from './parallel-collection-rdd.js';
import { SourceRDD } from './source-rdd.js';

const log = new Logger('TextFileRDD');

/** Spark's switch: a missing input file is skipped with a warning instead of failing the job. */
export const IGNORE_MISSING_FILES = 'spark.files.ignoreMissingFiles';

/** Lines `slice` of `slices` equal parts (by line position) of a UTF-8 text file. */
export interface TextFileSlice {
  readonly kind: 'textFile';
  readonly file: string;
  readonly slice: number;
  readonly slices: number;
  /** `spark.files.ignoreMissingFiles`: a file removed since it was listed reads as empty. */
  readonly ignoreMissing?: boolean;
}

registerPartitionReader<TextFileSlice, string>({
  kind: 'textFile',
  read({ file, slice, slices, ignoreMissing }) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      // Listed when the RDD was made, gone now: as Spark's FileNotFoundException from a task.
      if (ignoreMissing === true) {
        log.warn(`Skipped missing file: ${file}`);
        return [];
      }
      throw new DStreamError(
        'DSTREAM_ERR_INPUT_PATH',
        `File ${file} does not exist: it was removed after it was listed. Keep input files until the jobs that read them have run, or set ${IGNORE_MISSING_FILES}=true to skip missing files.`,
        { cause: e },
      );
    }
    const lines = splitLines(text);
    if (slices === 1) return lines;
    const { start, end } = positionalSlice(lines, slice, slices);
    return lines.slice(start, end);
  },
});

/**
 * The lines of a UTF-8 text file, or of every visible file in a directory (one partition per file;
 * a single file is cut into `minPartitions` partitions by line position). Lines end at `\n`,
 * `\r\n` or `\r`; a final line terminator does not make an empty last line.
 */
export class TextFileRDD extends SourceRDD<string> {
  private listed: { files: string[]; slices: number } | undefined;

  constructor(
    context: SparkContext,
    private readonly path: string,
    private readonly minPartitions: number,
  ) {
    super(context);
  }

  /** The input files, listed when first needed: as in Spark, a missing path fails the action. */
  private get input(): { files: string[]; slices: number } {
    if (!this.listed) {
      const files = listInputFiles(this.path, this.ignoreMissing);
      this.listed = { files, slices: files.length === 1 ? Math.max(1, this.minPartitions) : 1 };
    }
    return this.listed;
  }

  get numPartitions(): number {
    return this.input.files.length * this.input.slices;
  }

  protected get kind(): string {
    return 'textFile';
  }

  /** Whichever thread runs the task reads its slice of the file itself. */
  override partitionSource(split: number): TextFileSlice {
    const { files, slices } = this.input;
    const file = files[Math.floor(split / slices)]!;
    const source = { kind: 'textFile', file, slice: split % slices, slices } as const;
    return this.ignoreMissing ? { ...source, ignoreMissing: true } : source;
  }

  private get ignoreMissing(): boolean {
    return this.context.conf.get(IGNORE_MISSING_FILES) === 'true';
  }
}

function listInputFiles(path: string, ignoreMissing: boolean): string[] {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) {
    if (ignoreMissing) {
      log.warn(`${path} doesn't exist and no partitions returned from this path.`);
      return [];
    }
    throw new DStreamError(
      'DSTREAM_ERR_INPUT_PATH',
      `Input path does not exist: ${path}. Check the path, or create it before running an action (or set ${IGNORE_MISSING_FILES}=true to skip missing files).`,
    );
  }
  if (!stats.isDirectory()) return [path];
  return (
    readdirSync(path)
      .filter((name) => !name.startsWith('.') && !name.startsWith('_'))
      .sort()
      .map((name) => join(path, name))
      // A file removed between the listing and its stat is not there: skipped, not an error.
      .filter((file) => statSync(file, { throwIfNoEntry: false })?.isFile() === true)
  );
}

/** Lines end at `\n`, `\r\n` or `\r`; a final terminator does not make an empty last line. */
function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
