import { readFileSync } from 'node:fs';
import { DStreamError } from '../../errors.js';
import {
  RDD,
  registerPartitionReader,
  type PartitionSource,
  type SparkContext,
  type TaskContext,
  type Emit,
} from '../../rdd/index.js';
import { readPartitionSource } from '../../rdd/partition-source.js';
import { IGNORE_MISSING_FILES } from '../../rdd/narrow/text-file-rdd.js';
import { Logger } from '../../util/logging.js';
import {
  builtInFormat,
  builtInFormatOf,
  type BuiltInFormat,
  type FileReader,
} from './input-formats.js';

const log = new Logger('FileRecordsRDD');

/** One file read whole by a built-in format: plain data, read by whichever thread runs the task. */
interface FileRecordsSource extends PartitionSource {
  readonly kind: 'fileRecords';
  readonly file: string;
  readonly format: BuiltInFormat;
  readonly conf: Readonly<Record<string, string>>;
  readonly ignoreMissing: boolean;
}

registerPartitionReader<FileRecordsSource, unknown>({
  kind: 'fileRecords',
  read({ file, format, conf, ignoreMissing }) {
    const content = readInputFile(file, ignoreMissing);
    if (content === undefined) return [];
    const records = builtInFormat(format).read(content, { path: file, conf });
    return Array.isArray(records) ? (records as readonly unknown[]) : [...records];
  },
});

/** The content of an input file; `undefined` for a file removed since it was listed, if allowed. */
function readInputFile(file: string, ignoreMissing: boolean): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    if (ignoreMissing) {
      log.warn(`Skipped missing file: ${file}`);
      return undefined;
    }
    throw new DStreamError(
      'DSTREAM_ERR_INPUT_PATH',
      `File ${file} does not exist: it was removed after it was listed. Keep input files until the jobs that read them have run, or set ${IGNORE_MISSING_FILES}=true to skip missing files.`,
      { cause: e },
    );
  }
}

/**
 * The records of files read by a format, one partition per file, as Spark's file stream makes one
 * Hadoop RDD per file with the stream's `InputFormat`. A built-in format's partitions are plain
 * data that a task thread reads itself; a user's format runs where the driver computes them.
 */
export class FileRecordsRDD<T> extends RDD<T> {
  private readonly builtIn: BuiltInFormat | undefined;
  private readonly ignoreMissing: boolean;

  constructor(
    context: SparkContext,
    private readonly files: readonly string[],
    private readonly reader: FileReader<T>,
    private readonly conf: Readonly<Record<string, string>>,
  ) {
    super(context, []);
    this.builtIn = builtInFormatOf(reader);
    this.ignoreMissing = context.conf.get(IGNORE_MISSING_FILES) === 'true';
  }

  get numPartitions(): number {
    return this.files.length;
  }

  protected get kind(): string {
    return this.reader.name;
  }

  override partitionSource(split: number): FileRecordsSource | undefined {
    if (this.builtIn === undefined) return undefined;
    return {
      kind: 'fileRecords',
      file: this.files[split]!,
      format: this.builtIn,
      conf: this.conf,
      ignoreMissing: this.ignoreMissing,
    };
  }

  protected compute(split: number, _task: TaskContext, emit: Emit<T>): void {
    const source = this.partitionSource(split);
    if (source !== undefined) {
      const records = readPartitionSource<T>(source);
      for (let i = 0; i < records.length; i++) emit(records[i]!);
      return;
    }
    const path = this.files[split]!;
    const content = readInputFile(path, this.ignoreMissing);
    if (content === undefined) return;
    for (const record of this.reader.read(content, { path, conf: this.conf })) emit(record);
  }
}
