import { StreamingContext } from '../../streaming/streaming-context.js';
import { attachOperations, type Implementation } from '../../util/attach.js';
import { FileInputDStream, type FileStreamOptions } from './file-input-dstream.js';
import { FileRecordsRDD } from './file-records-rdd.js';
import {
  fixedLengthValues,
  TextInputFormat,
  type FileReader,
  type InputFormat,
} from './input-formats.js';

/** `fileStream`'s options: Spark's `filter`, `newFilesOnly` and `conf`, and the input format. */
export interface FileRecordStreamOptions<K, V> extends FileStreamOptions {
  /** How each file becomes `[key, value]` records (default {@link TextInputFormat}). */
  inputFormat?: InputFormat<K, V>;
  /**
   * Settings handed to the input format (Spark's Hadoop `Configuration`), such as
   * `textinputformat.record.delimiter`; by default the context's `spark.hadoop.*` settings with
   * the prefix removed, as Spark fills its Hadoop configuration from them.
   */
  conf?: Readonly<Record<string, string>>;
}

/** The file directory source's entry points on the context. */
export interface FileStreamFunctions {
  /**
   * The lines of the UTF-8 text files that appear in a directory, as Spark's `textFileStream`:
   * each batch reads the files whose modification time falls after the previous listing and
   * not after the batch time. Files already there when the stream is created, hidden files
   * (`.name`, `_name`) and `._COPYING_` files are ignored. Write each file elsewhere, then
   * move it into the directory (a rename is atomic); appending to a file already read is
   * not seen.
   *
   * @example
   * ```ts
   * ssc.textFileStream('/data/incoming').flatMap((l) => l.split(' ')).countByValue().print();
   * ```
   */
  textFileStream(directory: string): FileInputDStream;
  /**
   * The `[key, value]` records that an input format reads from the new files of a directory, as
   * Spark's `fileStream[K, V, F](directory, filter, newFilesOnly, conf)`: the input format
   * (Spark's type parameter `F`) is the `inputFormat` option, an {@link InputFormat} such as
   * {@link TextInputFormat} (`[byte offset, line]`, the default), `FixedLengthBinaryInputFormat(n)`
   * or `WholeFileInputFormat`, or one of your own. Files are selected as by `textFileStream`;
   * `filter` chooses them by path instead (it replaces the default filter of hidden and
   * `._COPYING_` files), and `newFilesOnly: false` makes the first batch also read the files
   * already there that were modified within the remember window
   * (`spark.streaming.fileStream.minRememberDuration`, 60 s). `conf` is handed to the format.
   *
   * @example
   * ```ts
   * import { FixedLengthBinaryInputFormat } from 'dstream';
   * ssc.fileStream('/data/incoming', { filter: (p) => p.endsWith('.log'), newFilesOnly: false })
   *   .map(([offset, line]) => `${offset}: ${line}`)
   *   .print();
   * ssc.fileStream('/data/readings', { inputFormat: FixedLengthBinaryInputFormat(16) })
   *   .map(([index, record]) => [index, record.readDoubleBE(8)] as const)
   *   .print();
   * ```
   */
  fileStream<K, V>(
    directory: string,
    options: FileRecordStreamOptions<K, V> & { inputFormat: InputFormat<K, V> },
  ): FileInputDStream<readonly [K, V]>;
  /** As above, with `TextInputFormat`: `[byteOffset, line]` pairs, as Hadoop's text files give. */
  fileStream(
    directory: string,
    options?: FileRecordStreamOptions<number, string>,
  ): FileInputDStream<readonly [number, string]>;
  /**
   * The fixed-length binary records of the new files of a directory, each a Buffer of
   * `recordLength` bytes, as Spark's `binaryRecordsStream`: files are selected as by
   * `textFileStream` (hidden files ignored, new files only). A file whose length is not a
   * multiple of `recordLength` fails its batch with Spark's `requirement failed: Byte array does
   * not have correct length. <n> did not equal recordLength: <recordLength>`
   * (`DSTREAM_ERR_RECORD_LENGTH`); a `recordLength` below 1 is refused when declared.
   *
   * @example
   * ```ts
   * // 8-byte big-endian doubles, summed per batch.
   * ssc.binaryRecordsStream('/data/values', 8).map((r) => r.readDoubleBE(0)).reduce((a, b) => a + b).print();
   * ```
   */
  binaryRecordsStream(directory: string, recordLength: number): FileInputDStream<Buffer>;
}

declare module '../../streaming/streaming-context.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- StreamingContext gets FileStreamFunctions' members
  interface StreamingContext extends FileStreamFunctions {}
}

/** Spark's default Hadoop configuration: the `spark.hadoop.*` settings, without the prefix. */
function hadoopConf(ssc: StreamingContext): Record<string, string> {
  const conf: Record<string, string> = {};
  for (const [key, value] of ssc.sparkContext.conf) {
    if (key.startsWith('spark.hadoop.')) conf[key.slice('spark.hadoop.'.length)] = value;
  }
  return conf;
}

/** A file stream whose batches are the records `reader` reads from the selected files. */
function readerStream<T>(
  ssc: StreamingContext,
  directory: string,
  options: FileStreamOptions,
  reader: FileReader<T>,
  conf: Readonly<Record<string, string>>,
): FileInputDStream<T> {
  return new FileInputDStream<T>(
    ssc,
    directory,
    options,
    (sc, files) => new FileRecordsRDD(sc, files, reader, conf),
  );
}

const fileStreamFunctions: Implementation<FileStreamFunctions, StreamingContext> = {
  textFileStream(directory) {
    return new FileInputDStream(this, directory);
  },
  fileStream<K, V>(
    directory: string,
    options: FileRecordStreamOptions<K, V> = {},
  ): FileInputDStream<readonly [K, V]> {
    const format = options.inputFormat ?? (TextInputFormat as unknown as InputFormat<K, V>);
    const { filter, newFilesOnly } = options;
    return readerStream(
      this,
      directory,
      { filter, newFilesOnly },
      format,
      options.conf ?? hadoopConf(this),
    );
  },
  binaryRecordsStream(directory, recordLength) {
    // Checked before the stream registers with the context: a refused call leaves nothing behind.
    const reader = fixedLengthValues(recordLength);
    return readerStream(this, directory, {}, reader, hadoopConf(this));
  },
};

attachOperations(StreamingContext.prototype, fileStreamFunctions);
