import { glob, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { InputDStream } from '../../dstream/input.js';
import type { RDD, SparkContext } from '../../rdd/index.js';
import type { StreamingContext } from '../../streaming/streaming-context.js';
import { Seconds, type Duration } from '../../util/duration.js';
import { Logger } from '../../util/logging.js';
import type { Time } from '../../util/time.js';

const log = new Logger('FileInputDStream');

/** Spark's `fileStream` arguments besides the directory: which files, and from when. */
export interface FileStreamOptions {
  /** Which files to read, given each file's path; replaces the default filter (hidden files, `_SUCCESS` and `._COPYING_` files left out). */
  filter?: (path: string) => boolean;
  /**
   * Ignore the files already there when the stream is created (default true). With `false`, the
   * first batch also reads the files already there whose modification time is within the
   * remember window (`spark.streaming.fileStream.minRememberDuration`, 60 s).
   */
  newFilesOnly?: boolean;
}

/**
 * How a file stream makes a batch's RDD from the files it selected: the lines of text files for
 * `textFileStream`, an `InputFormat`'s records for `fileStream`.
 */
export type ReadFiles<T> = (sc: SparkContext, files: readonly string[]) => RDD<T>;

/** `textFileStream`'s batches: one text RDD of one partition per file, in a union. */
const textLines: ReadFiles<string> = (sc, files) =>
  sc.union(files.map((file) => sc.textFile(file, 1)));

/**
 * Skips hidden files (`.name`), files Hadoop treats as hidden (`_name`, such as `_SUCCESS`) and
 * the temporary files copy tools rename from (`name._COPYING_`).
 */
export function defaultFileFilter(path: string): boolean {
  const name = basename(path);
  return !name.startsWith('.') && !name.startsWith('_') && !name.endsWith('._COPYING_');
}

/**
 * The new files of a directory, as Spark's `FileInputDStream`: the lines of text files
 * (`textFileStream`), the records an `InputFormat` reads from them (`fileStream`), or
 * fixed-length records (`binaryRecordsStream`). At each batch time T the directory is listed (no recursion; the path may
 * be a glob matching several directories) and a file is selected when it passes the filter, its
 * modification time m satisfies `threshold < m <= T`, and no batch of the remember window
 * selected it already. The threshold is the later of the stream's creation time (with
 * `newFilesOnly`) and T minus the remember window (`spark.streaming.fileStream.minRememberDuration`,
 * 60 s, rounded up to whole batches). The batch reads every selected file, one partition each.
 *
 * So write each file elsewhere (or under a hidden name) and rename it into the directory: the
 * modification time decides the batch, and what is appended to a file after its batch is ignored.
 */
export class FileInputDStream<T = string> extends InputDStream<T> {
  /** The directory (or glob) watched, as an absolute path. */
  readonly directory: string;
  private readonly fileFilter: (path: string) => boolean;
  private initialModTimeIgnoreThreshold: number;
  private readonly durationToRemember: Duration;
  private readonly batchTimeToSelectedFiles = new Map<number, readonly string[]>();
  private recentlySelectedFiles = new Set<string>();
  private missingReported = false;
  private readonly readFiles: ReadFiles<T>;

  /** The lines of the new text files of `directory` (`textFileStream`). */
  constructor(ssc: StreamingContext, directory: string, options?: FileStreamOptions);
  /** The records `readFiles` makes of the new files of `directory` at each batch. */
  constructor(
    ssc: StreamingContext,
    directory: string,
    options: FileStreamOptions,
    readFiles: ReadFiles<T>,
  );
  constructor(
    ssc: StreamingContext,
    directory: string,
    options: FileStreamOptions = {},
    readFiles?: ReadFiles<T>,
  ) {
    super(ssc);
    // Without readFiles the first overload applies, where T is string.
    this.readFiles = readFiles ?? (textLines as unknown as ReadFiles<T>);
    this.directory = resolve(directory);
    this.fileFilter = options.filter ?? defaultFileFilter;
    this.initialModTimeIgnoreThreshold = (options.newFilesOnly ?? true) ? ssc.clock.now() : 0;
    const conf = ssc.conf;
    const minRemember = conf.getDuration(
      'spark.streaming.fileStream.minRememberDuration',
      conf.getDuration('spark.streaming.minRememberDuration', Seconds(60), 's'),
      's',
    );
    const slide = this.slideDuration;
    this.durationToRemember = slide.times(Math.ceil(minRemember.div(slide)));
    this.rememberDuration = this.durationToRemember;
  }

  /** Lists the directory and selects the new files of the batch at `time`. */
  override async prepareBatch(time: Time): Promise<void> {
    const t = time.milliseconds;
    // A batch restored from a checkpoint reads the files it had selected before.
    if (this.batchTimeToSelectedFiles.has(t)) return;
    const files = await this.findNewFiles(t);
    log.info(`New files at time ${time}:\n${files.join('\n')}`);
    this.batchTimeToSelectedFiles.set(t, files);
    for (const f of files) this.recentlySelectedFiles.add(f);
  }

  compute(time: Time): RDD<T> {
    const files = this.batchTimeToSelectedFiles.get(time.milliseconds) ?? [];
    this.ssc.inputInfoTracker.reportInfo(time, {
      inputStreamId: this.inputStreamId,
      numRecords: 0,
      metadata: { files: [...files], Description: files.join('\n') },
    });
    return this.readFiles(this.ssc.sparkContext, files);
  }

  override clearMetadata(time: Time): void {
    super.clearMetadata(time);
    const horizon = time.minus(this.rememberDuration ?? this.durationToRemember);
    const cleared: number[] = [];
    for (const t of this.batchTimeToSelectedFiles.keys()) {
      if (t < horizon.milliseconds) cleared.push(t);
    }
    if (cleared.length === 0) return;
    for (const t of cleared) this.batchTimeToSelectedFiles.delete(t);
    // Rebuilt rather than subtracted: a path selected again later must stay remembered.
    this.recentlySelectedFiles = new Set([...this.batchTimeToSelectedFiles.values()].flat());
    log.info(
      `Cleared ${cleared.length} old files that were older than ${horizon}: ${cleared.map((t) => `${t} ms`).join(', ')}`,
    );
  }

  // ------------------------------------------------------------ for checkpoints

  /** The files each remembered batch selected (batch time in ms → paths), oldest first. */
  get selectedFiles(): ReadonlyMap<number, readonly string[]> {
    return new Map([...this.batchTimeToSelectedFiles].sort((a, b) => a[0] - b[0]));
  }

  /**
   * Restores the files of remembered batches after recovery: those batches read the same files
   * again if they run again, and later batches do not select them a second time.
   */
  restoreSelectedFiles(entries: Iterable<readonly [number, readonly string[]]>): void {
    for (const [t, files] of entries) {
      log.info(`Restoring files for time ${t} ms - [${files.join(', ')}]`);
      this.batchTimeToSelectedFiles.set(t, [...files]);
      for (const f of files) this.recentlySelectedFiles.add(f);
    }
  }

  /**
   * For metadata checkpoints: the files of every remembered batch, and the modification-time
   * threshold of the stream's creation (a recovered stream must keep the original one, or the
   * files that arrived while the application was down would count as old).
   */
  override checkpointPosition(): unknown {
    return {
      initialModTimeIgnoreThreshold: this.initialModTimeIgnoreThreshold,
      files: [...this.selectedFiles],
    };
  }

  override restorePosition(position: unknown): void {
    const p = position as {
      initialModTimeIgnoreThreshold: number;
      files: [number, readonly string[]][];
    };
    this.initialModTimeIgnoreThreshold = p.initialModTimeIgnoreThreshold;
    this.restoreSelectedFiles(p.files);
  }

  override recordsBatch(position: unknown, time: Time): boolean {
    const p = position as { files: [number, readonly string[]][] };
    return p.files.some(([t]) => t === time.milliseconds);
  }

  // ------------------------------------------------------------ listing

  private async findNewFiles(currentTime: number): Promise<string[]> {
    const clock = this.ssc.clock;
    const started = clock.now();
    const threshold = Math.max(
      this.initialModTimeIgnoreThreshold,
      currentTime - this.durationToRemember.milliseconds,
    );
    log.debug(`Getting new files for time ${currentTime}, ignoring files older than ${threshold}`);
    const selected: string[] = [];
    try {
      for (const dir of await this.directories()) {
        const paths = (await readdir(dir))
          .sort()
          .map((name) => join(dir, name))
          .filter((path) => this.fileFilter(path));
        // A file renamed away between listing and stat is simply not there.
        const stats = await Promise.all(paths.map((p) => stat(p).catch(() => undefined)));
        for (let i = 0; i < paths.length; i++) {
          const s = stats[i];
          const path = paths[i]!;
          if (!s?.isFile()) continue;
          const modTime = Math.trunc(s.mtimeMs);
          if (modTime <= threshold || modTime > currentTime) continue;
          if (this.recentlySelectedFiles.has(path)) continue;
          selected.push(path);
          if (s.size === 0) {
            log.error(
              `File ${path} has no data in it. A file stream can only ingest files that have been "moved" to the directory it watches: write each file elsewhere, then rename it into the directory.`,
            );
          }
        }
      }
      this.missingReported = false;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        // Once per disappearance, not at every batch.
        if (!this.missingReported) log.warn(`No directory to scan: ${this.directory}: ${e}`);
        this.missingReported = true;
      } else {
        log.warn(`Error finding new files under ${this.directory}`, e);
      }
      return [];
    }
    const timeTaken = clock.now() - started;
    if (timeTaken > this.slideDuration.milliseconds) {
      log.warn(
        `Time taken to find new files ${timeTaken} exceeds the batch size. Consider increasing the batch size or reducing the number of files in the monitored directories.`,
      );
    }
    return selected;
  }

  private async directories(): Promise<string[]> {
    if (!/[*?[{]/.test(this.directory)) return [this.directory];
    const dirs: string[] = [];
    for await (const match of glob(this.directory)) {
      const s = await stat(match).catch(() => undefined);
      if (s?.isDirectory()) dirs.push(match);
    }
    return dirs.sort();
  }
}
