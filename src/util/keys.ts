/**
 * Keys are compared by value: primitives as they are, arrays and plain objects (and Dates, Maps,
 * Sets, bigints inside them) by a stable encoding. {@link KeyMap} keeps primitives and encoded
 * composites in two separate maps, so a string key can never collide with an encoded object.
 */
import { DStreamError } from '../errors.js';

/** Encodes a composite key so that equal values (by content) get equal strings. */
export function encodeKey(key: object): string {
  return encode(key);
}

function encode(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Object.is(v, -0) ? '0' : String(v);
    case 'bigint':
      return `${v}n`;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return 'u';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) return '[' + v.map(encode).join(',') + ']';
      if (v instanceof Date) return `D${v.getTime()}`;
      if (v instanceof Map) {
        const entries = [...v].map(([k, x]) => [encode(k), encode(x)] as const);
        entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        return 'M{' + entries.map(([k, x]) => `${k}:${x}`).join(',') + '}';
      }
      if (v instanceof Set) return 'S{' + [...v].map(encode).sort().join(',') + '}';
      const o = v as Record<string, unknown>;
      const names = Object.keys(o).sort();
      return '{' + names.map((n) => `${JSON.stringify(n)}:${encode(o[n])}`).join(',') + '}';
    }
    default:
      throw new DStreamError(
        'DSTREAM_ERR_UNSUPPORTED_KEY',
        `A ${typeof v} cannot be used as a key: use a string, number or plain data`,
      );
  }
}

function isComposite(key: unknown): key is object {
  return typeof key === 'object' && key !== null;
}

/**
 * A map whose keys are compared by value. Entries iterate in insertion order within each kind.
 */
export class KeyMap<K, V> {
  private readonly primitives = new Map<K, V>();
  private composites: Map<string, [K, V]> | undefined;

  get size(): number {
    return this.primitives.size + (this.composites?.size ?? 0);
  }

  get(key: K): V | undefined {
    if (!isComposite(key)) return this.primitives.get(key);
    return this.composites?.get(encode(key))?.[1];
  }

  has(key: K): boolean {
    if (!isComposite(key)) return this.primitives.has(key);
    return this.composites?.has(encode(key)) ?? false;
  }

  set(key: K, value: V): this {
    if (!isComposite(key)) {
      this.primitives.set(key, value);
    } else {
      (this.composites ??= new Map()).set(encode(key), [key, value]);
    }
    return this;
  }

  delete(key: K): boolean {
    if (!isComposite(key)) return this.primitives.delete(key);
    return this.composites?.delete(encode(key)) ?? false;
  }

  clear(): void {
    this.primitives.clear();
    this.composites?.clear();
  }

  /** Calls `f` for every entry; cheaper than iterating `entries()`. */
  forEach(f: (value: V, key: K) => void): void {
    this.primitives.forEach(f);
    this.composites?.forEach((e) => f(e[1], e[0]));
  }

  *entries(): IterableIterator<[K, V]> {
    yield* this.primitives;
    if (this.composites) for (const e of this.composites.values()) yield e;
  }

  *keys(): IterableIterator<K> {
    yield* this.primitives.keys();
    if (this.composites) for (const e of this.composites.values()) yield e[0];
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }
}

/**
 * A hash of a key that is stable across processes and threads, so that a key always lands in the
 * same partition. Strings hash as Java's `String.hashCode` and 32-bit integers as themselves, so a
 * key is placed in the same partition as Spark's `HashPartitioner` would place it.
 */
export function hashKey(key: unknown): number {
  switch (typeof key) {
    case 'string':
      return hashString(key);
    case 'number':
      if ((key | 0) === key) return key;
      return hashDouble(key);
    case 'boolean':
      return key ? 1231 : 1237;
    case 'bigint':
      return hashString(key.toString());
    case 'undefined':
      return 0;
    default:
      return key === null ? 0 : hashString(encode(key));
  }
}

function hashString(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

const f64 = new Float64Array(1);
const i32 = new Int32Array(f64.buffer);

function hashDouble(x: number): number {
  f64[0] = Number.isNaN(x) ? NaN : x === 0 ? 0 : x;
  return (i32[0]! ^ i32[1]!) | 0;
}

/** The partition of a key among `n`, never negative (Spark's `nonNegativeMod`). */
export function partitionOf(key: unknown, n: number): number {
  const m = hashKey(key) % n;
  return m < 0 ? m + n : m;
}
