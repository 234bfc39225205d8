/**
 * The binary format of state snapshots and metadata checkpoints (docs/checkpoint-format.md).
 *
 * A file is a 20-byte header and a body:
 *
 * | bytes | field |
 * | ----- | ----- |
 * | 0-3   | magic: `DST` and a kind byte (`S` state snapshot, `M` metadata checkpoint) |
 * | 4     | format version (1) |
 * | 5-7   | reserved, zero |
 * | 8-15  | body length, unsigned 64-bit little-endian |
 * | 16-19 | CRC-32 (IEEE, as zlib) of the body, little-endian |
 *
 * The body is tagged values (one tag byte, then the payload); a state snapshot's body is its
 * `meta` value, a varint entry count, then each entry's key and value. State is stored as data,
 * never as code: a value the format cannot represent (a class instance, a function, a symbol) is
 * rejected with the path where it was found, rather than silently losing its prototype as
 * `JSON.stringify` would.
 */
export const SNAPSHOT_FORMAT_VERSION = 1;

/** The kinds of file the format frames. */
export type FrameKind = 'S' | 'M';

/** What a state snapshot holds: the state's entries and what else its stream needs to resume. */
export interface SnapshotData {
  /** The state's `[key, state]` entries. */
  readonly entries: readonly (readonly [unknown, unknown])[];
  /** What else the stream keeps to resume (such as timeouts), as plain data. */
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** Bytes before the body. */
export const HEADER = 20;
export const MAGIC = [0x44, 0x53, 0x54]; // 'DST'

export const T_UNDEFINED = 0x00;
export const T_NULL = 0x01;
export const T_FALSE = 0x02;
export const T_TRUE = 0x03;
export const T_INT = 0x04; // zigzag varint, int32 range, never -0
export const T_FLOAT = 0x05; // float64 LE (NaN, ±Infinity, -0, fractions, large integers)
export const T_STRING = 0x06; // varint byte length, UTF-8
export const T_BIGINT = 0x07; // varint byte length, decimal ASCII
export const T_DATE = 0x08; // float64 LE epoch ms (NaN: an invalid Date)
export const T_ARRAY = 0x09; // varint length, items (holes are stored as undefined)
export const T_OBJECT = 0x0a; // varint count, (varint key length, UTF-8 key, value) pairs
export const T_MAP = 0x0b; // varint count, (key, value) pairs
export const T_SET = 0x0c; // varint count, items
export const T_STRING16 = 0x0d; // varint code-unit count, UTF-16LE (strings with lone surrogates)
