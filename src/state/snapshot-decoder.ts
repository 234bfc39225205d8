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
} from './snapshot-format.js';

// Decoding: checks the frame (length, checksum, version) before reading any value.

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
    const message = `Format version ${version} is not supported: this dstream reads version ${SNAPSHOT_FORMAT_VERSION}`;
    // Not damage: a newer dstream wrote it, so readers must not fall back past it to older files.
    if (version > SNAPSHOT_FORMAT_VERSION) {
      throw new DStreamError(
        'DSTREAM_ERR_CHECKPOINT_INCOMPATIBLE',
        `${message} (the file was written by a newer dstream)`,
      );
    }
    throw corrupt(message);
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
  /** The state's `[key, state]` entries. */
  entries: [unknown, unknown][];
  /** What else the stream kept to resume, when it kept anything. */
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
