// How a file becomes records: Spark's `InputFormat` (with its `RecordReader`) as one object. The
// built-in formats also describe themselves as plain data (`BuiltInFormat`), so that a task thread
// can rebuild them and read its file itself (see file-records-rdd.ts); a user's own format is read
// where the driver computes the batch.
import { DStreamError, requirement } from '../../errors.js';

/** What a format is told about the file it reads. */
export interface ReadContext {
  /** The file's absolute path. */
  readonly path: string;
  /**
   * The stream's Hadoop-style settings: `fileStream`'s `conf` option, else the context's
   * `spark.hadoop.*` settings with the prefix removed (as Spark fills its Hadoop configuration).
   */
  readonly conf: Readonly<Record<string, string>>;
}

/**
 * How a file becomes `[key, value]` records: Spark's `InputFormat` and its `RecordReader` in one
 * object, for `ssc.fileStream(directory, { inputFormat })`. `read` gets the whole content of one
 * new file and gives its records; it runs once per file, in the task that reads the file. Files
 * are not split: a file is one partition. Return an array or a generator; keys and values may be
 * anything a record may be (plain data crosses to `local[N]` task threads).
 *
 * Built in: {@link TextInputFormat} (`[byte offset, line]`), {@link FixedLengthBinaryInputFormat}
 * (`[record index, Buffer]`) and {@link WholeFileInputFormat} (`[path, Buffer]`).
 *
 * @example
 * ```ts
 * import type { InputFormat } from 'dstream';
 * // One record per CSV row, keyed by the file name, with the header skipped.
 * const csvRows: InputFormat<string, string[]> = {
 *   name: 'CsvRows',
 *   *read(content, { path }) {
 *     const lines = content.toString('utf8').split('\n').slice(1);
 *     for (const line of lines) if (line !== '') yield [path, line.split(',')] as const;
 *   },
 * };
 * ssc.fileStream('/data/incoming', { inputFormat: csvRows }).print();
 * ```
 */
export interface InputFormat<K, V> {
  /** Names the format in RDD descriptions, as an InputFormat's class name does in Spark. */
  readonly name: string;
  /** The records of one whole file. */
  read(content: Buffer, context: ReadContext): Iterable<readonly [K, V]>;
}

/** A built-in format as plain data: what a task thread needs to rebuild it. @internal */
export type BuiltInFormat =
  | { readonly format: 'text' }
  | { readonly format: 'fixedLength'; readonly recordLength: number; readonly valuesOnly: boolean }
  | { readonly format: 'wholeFile' };

const BUILT_IN = Symbol.for('dstream.builtInInputFormat');

/** The plain-data description of a built-in format, if `format` is one. @internal */
export function builtInFormatOf(format: object): BuiltInFormat | undefined {
  return (format as { [BUILT_IN]?: BuiltInFormat })[BUILT_IN];
}

/** The records of one file, as something that reads files (a format, or binaryRecords' values). */
export interface FileReader<T> {
  readonly name: string;
  read(content: Buffer, context: ReadContext): Iterable<T>;
}

/** Rebuilds a built-in format from its description (in whichever thread reads the file). @internal */
export function builtInFormat(description: BuiltInFormat): FileReader<unknown> {
  switch (description.format) {
    case 'text':
      return TextInputFormat;
    case 'wholeFile':
      return WholeFileInputFormat;
    case 'fixedLength':
      return description.valuesOnly
        ? fixedLengthValues(description.recordLength)
        : FixedLengthBinaryInputFormat(description.recordLength);
  }
}

function tagged<T extends object>(reader: T, description: BuiltInFormat): T {
  Object.defineProperty(reader, BUILT_IN, { value: description });
  return reader;
}

/** Hadoop's key for a record delimiter other than the line terminators. */
export const RECORD_DELIMITER = 'textinputformat.record.delimiter';

const LF = 0x0a;
const CR = 0x0d;

/**
 * The lines of a UTF-8 text file as `[byte offset, line]`, as Hadoop's `TextInputFormat` gives
 * `(LongWritable offset, Text line)`: the key is the byte offset in the file where the line
 * starts. A line ends at `\n`, `\r\n` or `\r` (dropped); a last line without terminator counts,
 * an empty one after a final terminator does not; a UTF-8 byte order mark at the start is
 * skipped. With `textinputformat.record.delimiter` in the stream's `conf`, records end at that
 * string instead. `textFileStream(dir)` is `fileStream(dir, { inputFormat: TextInputFormat })`
 * with only the lines kept.
 *
 * @example
 * ```ts
 * import { TextInputFormat } from 'dstream';
 * ssc.fileStream('/data/logs', { inputFormat: TextInputFormat })
 *   .filter(([offset]) => offset > 0) // all lines but each file's first
 *   .map(([, line]) => line)
 *   .print();
 * ```
 */
export const TextInputFormat: InputFormat<number, string> = tagged(
  {
    name: 'TextInputFormat',
    read(content: Buffer, { conf }: ReadContext): (readonly [number, string])[] {
      const delimiter = conf[RECORD_DELIMITER];
      const start = content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf ? 3 : 0;
      return delimiter === undefined || delimiter === ''
        ? lines(content, start)
        : delimited(content, start, Buffer.from(delimiter, 'utf8'));
    },
  },
  { format: 'text' },
);

function lines(content: Buffer, from: number): (readonly [number, string])[] {
  const out: (readonly [number, string])[] = [];
  const n = content.length;
  // The first line's key is 0 even after a byte order mark, as Hadoop's LineRecordReader.
  let key = 0;
  let start = from;
  let lf = content.indexOf(LF, start);
  let cr = content.indexOf(CR, start);
  while (lf >= 0 || cr >= 0) {
    const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
    out.push([key, content.toString('utf8', start, end)]);
    start = end + (end === cr && content[end + 1] === LF ? 2 : 1);
    key = start;
    if (lf >= 0 && lf < start) lf = content.indexOf(LF, start);
    if (cr >= 0 && cr < start) cr = content.indexOf(CR, start);
  }
  if (start < n) out.push([key, content.toString('utf8', start, n)]);
  return out;
}

function delimited(
  content: Buffer,
  from: number,
  delimiter: Buffer,
): (readonly [number, string])[] {
  const out: (readonly [number, string])[] = [];
  let key = 0;
  let start = from;
  for (let end = content.indexOf(delimiter, start); end >= 0;) {
    out.push([key, content.toString('utf8', start, end)]);
    start = end + delimiter.length;
    key = start;
    end = content.indexOf(delimiter, start);
  }
  if (start < content.length) out.push([key, content.toString('utf8', start)]);
  return out;
}

/**
 * Fixed-length binary records as `[record index, Buffer]`, as Spark's
 * `FixedLengthBinaryInputFormat` (key: the record's position in the file divided by
 * `recordLength`). Each record is a copy of its bytes (as Spark's `copyBytes`), so keeping one
 * does not keep the whole file in memory. A file whose length is not a multiple of `recordLength`
 * fails its batch with Spark's message for a record of the wrong length
 * (`DSTREAM_ERR_RECORD_LENGTH`). `binaryRecordsStream(dir, n)` gives the values of this format.
 *
 * @example
 * ```ts
 * import { FixedLengthBinaryInputFormat } from 'dstream';
 * // 16-byte readings: an 8-byte timestamp and an 8-byte value.
 * ssc.fileStream('/data/readings', { inputFormat: FixedLengthBinaryInputFormat(16) })
 *   .map(([, r]) => [r.readBigInt64BE(0), r.readDoubleBE(8)] as const)
 *   .print();
 * ```
 */
export function FixedLengthBinaryInputFormat(recordLength: number): InputFormat<number, Buffer> {
  checkRecordLength(recordLength);
  return tagged(
    {
      name: 'FixedLengthBinaryInputFormat',
      read(content: Buffer, { path }: ReadContext): (readonly [number, Buffer])[] {
        const out: (readonly [number, Buffer])[] = [];
        const whole = wholeRecords(content, recordLength, path);
        for (let at = 0, i = 0; at < whole; at += recordLength, i++) {
          out.push([i, Buffer.from(content.subarray(at, at + recordLength))]);
        }
        return out;
      },
    },
    { format: 'fixedLength', recordLength, valuesOnly: false },
  );
}

/** `binaryRecordsStream`'s reader: the records alone, without their index. @internal */
export function fixedLengthValues(recordLength: number): FileReader<Buffer> {
  checkRecordLength(recordLength);
  return tagged(
    {
      name: 'FixedLengthBinaryInputFormat',
      read(content: Buffer, { path }: ReadContext): Buffer[] {
        const out: Buffer[] = [];
        const whole = wholeRecords(content, recordLength, path);
        for (let at = 0; at < whole; at += recordLength) {
          out.push(Buffer.from(content.subarray(at, at + recordLength)));
        }
        return out;
      },
    },
    { format: 'fixedLength', recordLength, valuesOnly: true },
  );
}

function checkRecordLength(recordLength: number): void {
  requirement(
    Number.isInteger(recordLength) && recordLength > 0,
    'DSTREAM_ERR_INVALID_ARGUMENT',
    `recordLength must be a positive whole number of bytes, got ${recordLength}`,
  );
}

/** The bytes of `content` that whole records fill; fails on a partial last record. */
function wholeRecords(content: Buffer, recordLength: number, path: string): number {
  const rest = content.length % recordLength;
  if (rest !== 0) {
    throw new DStreamError(
      'DSTREAM_ERR_RECORD_LENGTH',
      `requirement failed: Byte array does not have correct length. ${rest} did not equal recordLength: ${recordLength} (the last record of ${path}: its ${content.length} bytes are not a multiple of ${recordLength}; write whole records only)`,
    );
  }
  return content.length;
}

/**
 * Each file as one record `[path, content]`, as Spark's `binaryFiles` (and `wholeTextFiles`, with
 * `content.toString()`) key each file by its path: for files that must be read whole (a JSON
 * document, an image).
 *
 * @example
 * ```ts
 * import { WholeFileInputFormat } from 'dstream';
 * ssc.fileStream('/data/orders', { inputFormat: WholeFileInputFormat })
 *   .map(([path, content]) => [path, JSON.parse(content.toString('utf8')) as unknown] as const)
 *   .print();
 * ```
 */
export const WholeFileInputFormat: InputFormat<string, Buffer> = tagged(
  {
    name: 'WholeFileInputFormat',
    read(content: Buffer, { path }: ReadContext): (readonly [string, Buffer])[] {
      return [[path, content]];
    },
  },
  { format: 'wholeFile' },
);
