// The built-in sources. Importing this attaches their factories to StreamingContext.
import './queue/index.js';
import './socket/index.js';
import './file/index.js';

export { SocketInputDStream } from './socket/socket-input-dstream.js';
export { SocketReceiver } from './socket/socket-receiver.js';
export { RawInputDStream } from './socket/raw-input-dstream.js';
export { encodeRawBlock } from './socket/raw-block.js';
export {
  FileInputDStream,
  defaultFileFilter,
  type FileStreamOptions,
  type ReadFiles,
} from './file/file-input-dstream.js';
export type { FileRecordStreamOptions } from './file/index.js';
export {
  TextInputFormat,
  FixedLengthBinaryInputFormat,
  WholeFileInputFormat,
  RECORD_DELIMITER,
  type InputFormat,
  type ReadContext,
} from './file/input-formats.js';
