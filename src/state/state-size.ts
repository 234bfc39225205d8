// Approximate heap bytes of state entries, as Spark's SizeEstimator approximates JVM objects: what
// V8 allocates for each kind of value in Node's official 64-bit builds (no pointer compression:
// 8-byte fields, objects 8-byte aligned), estimated on a sample of entries and scaled by the key
// count. The figures were measured with `node --expose-gc` (heap growth over 200,000 values of
// each kind) and the per-entry costs with `npm run bench -- state` (bench/RESULTS.md).

/** A `Map` entry: key, value and chain fields, plus its share of the bucket table (doubling). */
export const MAP_ENTRY_BYTES = 38;
/** With last-updated times: the two cells of the slot array (doubling), the slot being a Smi. */
export const SLOT_ENTRY_BYTES = 21;
/** A composite key's entry object: a header and three fields (key, slot, state). */
export const COMPOSITE_ENTRY_BYTES = 48;

/**
 * The bytes of the first `sample` entries, by `bytesOf`, scaled to all `count` of them: a cost
 * that does not grow with the collection.
 */
export function sampledBytes<E>(
  entries: Iterable<E>,
  count: number,
  sample: number,
  bytesOf: (entry: E) => number,
): number {
  let n = 0;
  let bytes = 0;
  for (const e of entries) {
    if (n === sample) break;
    bytes += bytesOf(e);
    n++;
  }
  return n === 0 ? 0 : (bytes * count) / n;
}

/** Objects deeper than this, and elements past this many per container, are extrapolated. */
const MAX_DEPTH = 4;
const MAX_ELEMENTS = 32;
const FIELD = 8;
/** A plain object's map, properties and elements pointers; its own fields follow. */
const OBJECT_HEADER = 24;
/** A string's map, hash and length. */
const STRING_HEADER = 16;
/** A HeapNumber: its map and the double. */
const HEAP_NUMBER = 16;
/** A JSArray (map, properties, elements, length) and its backing store's map and length. */
const ARRAY_HEADER = 32 + 16;
/** A Map or Set with its first table (room for four entries), as measured. */
const MAP_HEADER = 184;
const SET_HEADER = 152;
/** What each more entry of capacity costs: three fields (two for a Set) and half a bucket. */
const MAP_SLOT = 28;
const SET_SLOT = 20;
/** A typed array or Buffer with its ArrayBuffer, apart from the bytes themselves. */
const VIEW_HEADER = 216;
const DATE = 96;

/**
 * The bytes a value holds beyond the field that points to it. Small integers, booleans, null and
 * undefined live in the field itself (0); a shared object reached twice is counted twice.
 */
export function approximateBytes(value: unknown, depth = 0): number {
  switch (typeof value) {
    case 'number':
      // Small integers (Smis, 31 bits) are tagged in the pointer; other numbers are HeapNumbers.
      return Number.isInteger(value) && value >= -0x40000000 && value < 0x40000000
        ? 0
        : HEAP_NUMBER;
    case 'string':
      return stringBytes(value);
    case 'bigint':
      return STRING_HEADER + 8 * Math.ceil(value.toString(16).length / 16);
    case 'object':
      return value === null ? 0 : objectBytes(value, depth);
    default:
      return 0;
  }
}

function stringBytes(s: string): number {
  // One byte per character for Latin-1 strings, two otherwise (a flat string, not a rope).
  // eslint-disable-next-line no-control-regex -- the Latin-1 range is the point
  const perChar = /[^\u0000-\u00ff]/.test(s) ? 2 : 1;
  return align(STRING_HEADER + s.length * perChar);
}

function objectBytes(o: object, depth: number): number {
  if (ArrayBuffer.isView(o)) return VIEW_HEADER + o.byteLength;
  if (o instanceof Date) return DATE;
  if (depth >= MAX_DEPTH) return OBJECT_HEADER;
  if (Array.isArray(o)) {
    return ARRAY_HEADER + FIELD * o.length + sampled(o, o.length, depth);
  }
  if (o instanceof Map) {
    return MAP_HEADER + MAP_SLOT * (capacity(o.size) - 4) + sampledEntries(o, depth);
  }
  if (o instanceof Set) {
    return SET_HEADER + SET_SLOT * (capacity(o.size) - 4) + sampled(o.values(), o.size, depth);
  }
  // Own data properties only: a getter is user code, and estimating must not run it (a key whose
  // getter counts its reads would see the UI's report as reads of the state).
  const names = Object.keys(o);
  const valueOf = (name: string): unknown => Object.getOwnPropertyDescriptor(o, name)?.value;
  const fields = sampledBytes(names, names.length, MAX_ELEMENTS, (name) =>
    approximateBytes(valueOf(name), depth + 1),
  );
  return OBJECT_HEADER + FIELD * names.length + Math.round(fields);
}

function sampled(values: Iterable<unknown>, count: number, depth: number): number {
  return Math.round(
    sampledBytes(values, count, MAX_ELEMENTS, (v) => approximateBytes(v, depth + 1)),
  );
}

function sampledEntries(m: Map<unknown, unknown>, depth: number): number {
  return Math.round(
    sampledBytes(m, m.size, MAX_ELEMENTS, ([k, v]) => {
      return approximateBytes(k, depth + 1) + approximateBytes(v, depth + 1);
    }),
  );
}

/** The entries a Map's or Set's table has room for: 4, doubled as it fills. */
function capacity(size: number): number {
  let c = 4;
  while (c < size) c *= 2;
  return c;
}

function align(bytes: number): number {
  return (bytes + 7) & ~7;
}
