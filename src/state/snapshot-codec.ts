import { crc32 } from 'node:zlib';
import { DStreamError } from '../errors.js';

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
  readonly entries: readonly (readonly [unknown, unknown])[];
  readonly meta?: Readonly<Record<string, unknown>>;
}

const HEADER = 20;
const MAGIC = [0x44, 0x53, 0x54]; // 'DST'

const T_UNDEFINED = 0x00;
const T_NULL = 0x01;
const T_FALSE = 0x02;
const T_TRUE = 0x03;
const T_INT = 0x04; // zigzag varint, int32 range, never -0
const T_FLOAT = 0x05; // float64 LE (NaN, ±Infinity, -0, fractions, large integers)
const T_STRING = 0x06; // varint byte length, UTF-8
const T_BIGINT = 0x07; // varint byte length, decimal ASCII
const T_DATE = 0x08; // float64 LE epoch ms (NaN: an invalid Date)
const T_ARRAY = 0x09; // varint length, items (holes are stored as undefined)
const T_OBJECT = 0x0a; // varint count, (varint key length, UTF-8 key, value) pairs
const T_MAP = 0x0b; // varint count, (key, value) pairs
const T_SET = 0x0c; // varint count, items
const T_STRING16 = 0x0d; // varint code-unit count, UTF-16LE (strings with lone surrogates)

// ------------------------------------------------------------------------------------ encoding

/** Where an unsupported value was found, built while the error unwinds (free on success). */
class PathError extends Error {
  readonly segments: string[] = [];
  constructor(readonly what: string) {
    super(what);
  }
}

class Writer {
  buf: Buffer;
  pos = HEADER;
  private readonly active = new Set<object>();

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(Math.max(capacity, 256));
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  varint(n: number): void {
    this.ensure(8);
    const b = this.buf;
    while (n >= 0x80) {
      b[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    b[this.pos++] = n;
  }

  f64(tag: number, n: number): void {
    this.ensure(9);
    this.buf[this.pos] = tag;
    this.buf.writeDoubleLE(n, this.pos + 1);
    this.pos += 9;
  }

  /** A string's length-prefixed UTF-8 (no tag). */
  text(s: string): void {
    const len = s.length;
    if (len < 43) {
      // At most 3 bytes per UTF-16 unit: the byte length fits the one-byte varint written after.
      this.ensure(1 + len * 3);
      const n = this.buf.write(s, this.pos + 1, 'utf8');
      this.buf[this.pos] = n;
      this.pos += 1 + n;
    } else {
      const n = Buffer.byteLength(s, 'utf8');
      this.varint(n);
      this.ensure(n);
      this.buf.write(s, this.pos, n, 'utf8');
      this.pos += n;
    }
  }

  string(s: string): void {
    if (!s.isWellFormed()) {
      // UTF-8 cannot carry a lone surrogate: keep the code units as they are.
      this.ensure(1);
      this.buf[this.pos++] = T_STRING16;
      this.varint(s.length);
      this.ensure(s.length * 2);
      this.pos += this.buf.write(s, this.pos, 'utf16le');
      return;
    }
    this.ensure(1);
    this.buf[this.pos++] = T_STRING;
    this.text(s);
  }

  tag(t: number): void {
    this.ensure(1);
    this.buf[this.pos++] = t;
  }

  value(v: unknown): void {
    switch (typeof v) {
      case 'number':
        if ((v | 0) === v && !Object.is(v, -0)) {
          this.tag(T_INT);
          this.varint(v >= 0 ? v * 2 : -v * 2 - 1);
        } else {
          this.f64(T_FLOAT, v);
        }
        return;
      case 'string':
        this.string(v);
        return;
      case 'boolean':
        this.tag(v ? T_TRUE : T_FALSE);
        return;
      case 'undefined':
        this.tag(T_UNDEFINED);
        return;
      case 'bigint':
        this.tag(T_BIGINT);
        this.text(v.toString());
        return;
      case 'object':
        if (v === null) this.tag(T_NULL);
        else this.object(v);
        return;
      case 'function':
        throw new PathError(`a function (${v.name || 'anonymous'})`);
      default:
        throw new PathError(`a ${typeof v}`);
    }
  }

  private object(v: object): void {
    const proto = Object.getPrototypeOf(v) as object | null;
    if (proto === Date.prototype) {
      this.f64(T_DATE, (v as Date).getTime());
      return;
    }
    if (this.active.has(v)) throw new PathError('a circular reference');
    this.active.add(v);
    if (proto === Array.prototype) this.array(v as unknown[]);
    else if (proto === Object.prototype || proto === null) this.plain(v as Record<string, unknown>);
    else if (proto === Map.prototype) this.map(v as Map<unknown, unknown>);
    else if (proto === Set.prototype) this.set(v as Set<unknown>);
    else throw new PathError(`an instance of class ${className(v)}`);
    this.active.delete(v);
  }

  private array(a: unknown[]): void {
    this.tag(T_ARRAY);
    this.varint(a.length);
    let i = 0;
    try {
      for (; i < a.length; i++) this.value(a[i]);
    } catch (e) {
      throw within(e, `[${i}]`);
    }
  }

  private plain(o: Record<string, unknown>): void {
    const keys = Object.keys(o);
    this.tag(T_OBJECT);
    this.varint(keys.length);
    let k = '';
    try {
      for (k of keys) {
        this.text(k);
        this.value(o[k]);
      }
    } catch (e) {
      throw within(e, /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);
    }
  }

  private map(m: Map<unknown, unknown>): void {
    this.tag(T_MAP);
    this.varint(m.size);
    let at = '';
    try {
      for (const [k, x] of m) {
        at = '.keys()';
        this.value(k);
        at = `.get(${describeKey(k)})`;
        this.value(x);
      }
    } catch (e) {
      throw within(e, at);
    }
  }

  private set(s: Set<unknown>): void {
    this.tag(T_SET);
    this.varint(s.size);
    try {
      for (const x of s) this.value(x);
    } catch (e) {
      throw within(e, '.values()');
    }
  }

  finish(kind: FrameKind): Buffer {
    const body = this.pos - HEADER;
    const b = this.buf;
    b[0] = MAGIC[0]!;
    b[1] = MAGIC[1]!;
    b[2] = MAGIC[2]!;
    b[3] = kind.charCodeAt(0);
    b[4] = SNAPSHOT_FORMAT_VERSION;
    b[5] = b[6] = b[7] = 0;
    b.writeUInt32LE(body % 0x1_0000_0000, 8);
    b.writeUInt32LE(Math.floor(body / 0x1_0000_0000), 12);
    b.writeUInt32LE(crc32(b.subarray(HEADER, this.pos)), 16);
    return b.subarray(0, this.pos);
  }
}

function within(e: unknown, segment: string): unknown {
  if (e instanceof PathError) e.segments.unshift(segment);
  return e;
}

function className(v: object): string {
  const c = (v as { constructor?: { name?: unknown } }).constructor;
  return typeof c?.name === 'string' && c.name !== '' ? c.name : 'anonymous';
}

function describeKey(k: unknown): string {
  if (typeof k === 'string') return JSON.stringify(k.length > 40 ? k.slice(0, 40) + '…' : k);
  if (typeof k === 'bigint') return `${k}n`;
  if (typeof k === 'object' && k !== null) return Array.isArray(k) ? '[…]' : '{…}';
  return String(k);
}

const SUPPORTED =
  'State snapshots store numbers, strings, booleans, null, undefined, bigint, Date, arrays, plain ' +
  'objects, Map and Set: turn it into such plain data before keeping it as state (and back when ' +
  'you read it).';

function unsupported(e: PathError, where: string): DStreamError {
  const path = e.segments.join('').trim();
  return new DStreamError(
    'DSTREAM_ERR_SNAPSHOT_UNSUPPORTED_VALUE',
    `Cannot store ${e.what} in a snapshot, found in ${where}${path ? ` at ${path}` : ''}. ${SUPPORTED}`,
  );
}

/**
 * Encodes a state snapshot (entries and meta) as a checksummed, versioned file body. Throws a
 * `DStreamError` (`DSTREAM_ERR_SNAPSHOT_UNSUPPORTED_VALUE`) naming the key and the path of any
 * value the format cannot store.
 */
export function encodeSnapshot(snapshot: SnapshotData): Buffer {
  const entries = snapshot.entries;
  const w = new Writer(64 + entries.length * 24);
  try {
    w.value(snapshot.meta);
  } catch (e) {
    if (e instanceof PathError) throw unsupported(e, 'meta');
    throw e;
  }
  w.varint(entries.length);
  let i = 0;
  let part = 'key';
  try {
    for (; i < entries.length; i++) {
      const entry = entries[i]!;
      part = 'key';
      w.value(entry[0]);
      part = 'value';
      w.value(entry[1]);
    }
  } catch (e) {
    if (!(e instanceof PathError)) throw e;
    const key = entries[i]![0];
    throw unsupported(
      e,
      part === 'key' ? `the key of entry ${i}` : `the state of key ${describeKey(key)}`,
    );
  }
  return w.finish('S');
}

/** Encodes one plain-data value (a metadata checkpoint) in the same framed format. */
export function encodeDocument(value: unknown, kind: FrameKind = 'M'): Buffer {
  const w = new Writer(1024);
  try {
    w.value(value);
  } catch (e) {
    if (e instanceof PathError) throw unsupported(e, 'the value');
    throw e;
  }
  return w.finish(kind);
}

// ------------------------------------------------------------------------------------ decoding

function corrupt(message: string): DStreamError {
  return new DStreamError('DSTREAM_ERR_SNAPSHOT_CORRUPT', message);
}

class Reader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  need(n: number): void {
    if (this.pos + n > this.end) throw corrupt('Unexpected end of data');
  }

  byte(): number {
    if (this.pos >= this.end) throw corrupt('Unexpected end of data');
    return this.buf[this.pos++]!;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 0x80;
      if (scale > 2 ** 56) throw corrupt('Malformed length');
    }
  }

  f64(): number {
    this.need(8);
    const n = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return n;
  }

  text(): string {
    const n = this.varint();
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  count(): number {
    const n = this.varint();
    // Each element takes at least one byte: a larger count can only come from corruption.
    if (n > this.end - this.pos) throw corrupt('Malformed element count');
    return n;
  }

  value(): unknown {
    const tag = this.byte();
    switch (tag) {
      case T_INT: {
        const z = this.varint();
        return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      }
      case T_STRING:
        return this.text();
      case T_FLOAT:
        return this.f64();
      case T_UNDEFINED:
        return undefined;
      case T_NULL:
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_BIGINT: {
        const digits = this.text();
        if (!/^-?\d+$/.test(digits)) throw corrupt('Malformed bigint');
        return BigInt(digits);
      }
      case T_DATE:
        return new Date(this.f64());
      case T_ARRAY: {
        const n = this.count();
        const a = new Array<unknown>(n);
        for (let i = 0; i < n; i++) a[i] = this.value();
        return a;
      }
      case T_OBJECT: {
        const n = this.count();
        const o: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const k = this.text();
          const v = this.value();
          // A plain assignment of '__proto__' would set the prototype instead of a property.
          if (k === '__proto__') {
            Object.defineProperty(o, k, { value: v, enumerable: true, writable: true });
          } else o[k] = v;
        }
        return o;
      }
      case T_MAP: {
        const n = this.count();
        const m = new Map<unknown, unknown>();
        for (let i = 0; i < n; i++) {
          const k = this.value();
          m.set(k, this.value());
        }
        return m;
      }
      case T_SET: {
        const n = this.count();
        const s = new Set<unknown>();
        for (let i = 0; i < n; i++) s.add(this.value());
        return s;
      }
      case T_STRING16: {
        const n = this.varint();
        this.need(n * 2);
        const s = this.buf.toString('utf16le', this.pos, this.pos + n * 2);
        this.pos += n * 2;
        return s;
      }
      default:
        throw corrupt(`Unknown value tag 0x${tag.toString(16)}`);
    }
  }
}

/**
 * Checks the header and checksum of a framed file and returns a reader over its body. Throws a
 * `DStreamError` (`DSTREAM_ERR_SNAPSHOT_CORRUPT`) for a truncated, corrupt or foreign file.
 */
function open(data: Uint8Array, kind: FrameKind): Reader {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
  if (buf.length < HEADER) throw corrupt(`Truncated: ${buf.length} bytes, no complete header`);
  if (buf[0] !== MAGIC[0] || buf[1] !== MAGIC[1] || buf[2] !== MAGIC[2]) {
    throw corrupt('Not a dstream checkpoint or snapshot file (bad magic)');
  }
  if (buf[3] !== kind.charCodeAt(0)) {
    throw corrupt(
      `Expected a ${kindName(kind)} file, found a ${kindName(String.fromCharCode(buf[3]!))} file`,
    );
  }
  const version = buf[4]!;
  if (version !== SNAPSHOT_FORMAT_VERSION) {
    throw corrupt(
      `Format version ${version} is not supported: this dstream reads version ${SNAPSHOT_FORMAT_VERSION}` +
        (version > SNAPSHOT_FORMAT_VERSION ? ' (the file was written by a newer dstream)' : ''),
    );
  }
  const length = buf.readUInt32LE(8) + buf.readUInt32LE(12) * 0x1_0000_0000;
  if (buf.length !== HEADER + length) {
    throw corrupt(
      buf.length < HEADER + length
        ? `Truncated: ${buf.length - HEADER} of ${length} body bytes`
        : `${buf.length - HEADER - length} unexpected bytes after the body`,
    );
  }
  const body = buf.subarray(HEADER);
  if (crc32(body) !== buf.readUInt32LE(16)) throw corrupt('Checksum mismatch: the file is corrupt');
  return new Reader(buf, HEADER, buf.length);
}

function kindName(kind: string): string {
  return kind === 'S' ? 'state snapshot' : kind === 'M' ? 'metadata checkpoint' : `'${kind}'`;
}

function done(r: Reader): void {
  if (r.pos !== r.end) throw corrupt('Trailing data after the last value');
}

/** Decodes what {@link encodeSnapshot} wrote, after checking its header and checksum. */
export function decodeSnapshot(data: Uint8Array): {
  entries: [unknown, unknown][];
  meta?: Record<string, unknown>;
} {
  const body = open(data, 'S');
  const meta = body.value();
  if (meta !== undefined && (typeof meta !== 'object' || meta === null)) {
    throw corrupt('Malformed snapshot meta');
  }
  const n = body.count();
  const entries = new Array<[unknown, unknown]>(n);
  for (let i = 0; i < n; i++) {
    const k = body.value();
    entries[i] = [k, body.value()];
  }
  done(body);
  return meta === undefined ? { entries } : { entries, meta: meta as Record<string, unknown> };
}

/** Decodes what {@link encodeDocument} wrote. */
export function decodeDocument(data: Uint8Array, kind: FrameKind = 'M'): unknown {
  const body = open(data, kind);
  const v = body.value();
  done(body);
  return v;
}
