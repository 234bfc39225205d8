import { StreamingContext } from '../../streaming/streaming-context.js';
import { attachOperations, type Implementation } from '../../util/attach.js';
import { FileInputDStream, type FileStreamOptions } from './file-input-dstream.js';

/** The file directory source's entry point on the context. */
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
   * `textFileStream` with Spark's `fileStream` options: `filter` chooses the files by path (it
   * replaces the default filter of hidden and `._COPYING_` files), and `newFilesOnly: false` also
   * reads the files already there, those modified within the remember window
   * (`spark.streaming.fileStream.minRememberDuration`, 60 s).
   *
   * @example
   * ```ts
   * ssc.fileStream('/data/incoming', { filter: (p) => p.endsWith('.csv'), newFilesOnly: false }).print();
   * ```
   */
  fileStream(directory: string, options?: FileStreamOptions): FileInputDStream;
}

declare module '../../streaming/streaming-context.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- StreamingContext gets FileStreamFunctions' members
  interface StreamingContext extends FileStreamFunctions {}
}

const fileStreamFunctions: Implementation<FileStreamFunctions, StreamingContext> = {
  textFileStream(directory) {
    return new FileInputDStream(this, directory);
  },
  fileStream(directory, options) {
    return new FileInputDStream(this, directory, options);
  },
};

attachOperations(StreamingContext.prototype, fileStreamFunctions);
