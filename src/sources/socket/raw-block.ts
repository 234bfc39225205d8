// The frames of `rawSocketStream`. Spark's server sends blocks, each a 4-byte big-endian length and
// that many bytes of records serialized with Spark's serializer (Java or Kryo), which only a JVM
// reads. Here the block's content is defined instead, so that a sender in any language can write
// it: each record is a 4-byte big-endian byte length and that many bytes of UTF-8.
import { DStreamError } from '../../errors.js';

/**
 * One `rawSocketStream` frame holding `records`, ready to write to the socket: the block's byte
 * length (4 bytes, big-endian, as Spark's), then each record as its UTF-8 byte length (4 bytes,
 * big-endian) and its UTF-8 bytes. What Spark's `RawTextSender` tool serves, with UTF-8 where it
 * uses Kryo.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:net';
 * import { encodeRawBlock } from 'dstream';
 * // A server that rawSocketStream('localhost', 9999) reads: one block of two records.
 * createServer((socket) => socket.end(encodeRawBlock(['first record', 'second record']))).listen(9999);
 * ```
 */
export function encodeRawBlock(records: Iterable<string>): Buffer {
  const encoded: Buffer[] = [];
  let size = 0;
  for (const record of records) {
    const bytes = Buffer.from(record, 'utf8');
    encoded.push(bytes);
    size += 4 + bytes.length;
  }
  const frame = Buffer.allocUnsafe(4 + size);
  frame.writeInt32BE(size, 0);
  let at = 4;
  for (const bytes of encoded) {
    frame.writeInt32BE(bytes.length, at);
    bytes.copy(frame, at + 4);
    at += 4 + bytes.length;
  }
  return frame;
}

/** The records of one block's content (without its frame length); throws on a malformed one. */
export function decodeRawBlock(block: Buffer): string[] {
  const records: string[] = [];
  let at = 0;
  while (at < block.length) {
    const length = at + 4 <= block.length ? block.readInt32BE(at) : -1;
    if (length < 0 || at + 4 + length > block.length) {
      throw new DStreamError(
        'DSTREAM_ERR_RAW_SOCKET_BLOCK',
        `Malformed rawSocketStream block of ${block.length} bytes: the record at byte ${at} does not fit in it. Each record of a block is a 4-byte big-endian length and that many bytes of UTF-8 (see encodeRawBlock).`,
      );
    }
    records.push(block.toString('utf8', at + 4, at + 4 + length));
    at += 4 + length;
  }
  return records;
}
