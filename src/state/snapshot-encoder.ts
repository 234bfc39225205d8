import { crc32 } from 'node:zlib';
import { DStreamError } from '../errors.js';
import {
  HEADER,
  MAGIC,
  SNAPSHOT_FORMAT_VERSION,
  T_UNDEFINED,
  T_NULL,
  T_FALSE,
  T_TRUE,
  T_INT,
  T_FLOAT,
  T_STRING,
  T_BIGINT,
  T_DATE,
  T_ARRAY,
  T_OBJECT,
  T_MAP,
  T_SET,
  T_STRING16,
  type FrameKind,
  type SnapshotData,
} from './snapshot-format.js';

// Encoding: state as data, or a clear error naming where a value is not data.

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
