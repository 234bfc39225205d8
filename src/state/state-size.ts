// Approximate heap bytes of state entries, as Spark's SizeEstimator approximates JVM objects: what
// V8 allocates for each kind of value on a 64-bit build with pointer compression (4-byte tagged
// fields, 12-byte object headers), estimated on a sample of entries and scaled by the key count.
// Calibrated against the heap measured by `npm run bench -- state` (docs/architecture.md, "State").

/** A `Map` entry: key, value and chain fields, plus its share of the bucket table (doubling). */
export const MAP_ENTRY_BYTES = 20;
/** With last-updated times: the slot number in the `Map`, and two cells of the slot array. */
export const SLOT_ENTRY_BYTES = 20;

/** A composite key's entry object (header and three fields: key, slot, state). */
export const COMPOSITE_ENTRY_BYTES = 24;

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
const HEADER = 12;
const FIELD = 4;

/**
 * The bytes a value holds beyond the field that points to it. Small integers, booleans, null and
 * undefined live in the field itself (0); a shared object reached twice is counted twice.
 */
export function approximateBytes(value: unknown, depth = 0): number {
  switch (typeof value) {
    case 'number':
      // Small integers are tagged in the pointer; other numbers are 12-byte HeapNumbers.
      return Number.isInteger(value) && value >= -0x40000000 && value < 0x40000000 ? 0 : HEADER;
    case 'string':
      return stringBytes(value);
    case 'bigint':
      return HEADER + 8 * Math.ceil(value.toString(16).length / 16);
    case 'object':
      return value === null ? 0 : objectBytes(value, depth);
    default:
      return 0;
  }
}

function stringBytes(s: string): number {
  // One byte per character for Latin-1 strings, two otherwise; 4-byte aligned.
  // eslint-disable-next-line no-control-regex -- the Latin-1 range is the point
  const perChar = /[^\u0000-\u00ff]/.test(s) ? 2 : 1;
  return align(HEADER + s.length * perChar);
}

function objectBytes(o: object, depth: number): number {
  if (ArrayBuffer.isView(o)) return 64 + o.byteLength;
  if (o instanceof Date) return 24;
  if (depth >= MAX_DEPTH) return HEADER;
  if (Array.isArray(o)) {
    // A JSArray (16) and its backing store (8 + 4 per element).
    return 16 + 8 + FIELD * o.length + sampled(o, o.length, depth);
  }
  if (o instanceof Map) {
    return 16 + 24 + MAP_ENTRY_BYTES * o.size + sampledEntries(o, depth);
  }
  if (o instanceof Set) {
    return 16 + 24 + (MAP_ENTRY_BYTES - FIELD) * o.size + sampled(o.values(), o.size, depth);
  }
  const values = Object.values(o);
  return HEADER + FIELD * values.length + sampled(values, values.length, depth);
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

function align(bytes: number): number {
  return (bytes + 3) & ~3;
}
