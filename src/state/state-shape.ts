/**
 * The shape of a stateful operator's states: what kind of value they are (number, string, array,
 * Map, plain object...) and, for plain objects, which keys they have, nested a few levels deep.
 *
 * Recovery summarises the restored states (a bounded, evenly spread sample) and compares what the
 * new code stores for the first keys it updates with that summary: a v2 whose state went from a
 * number to `{ total, n }` gets an error naming both shapes instead of silently reading `undefined`
 * fields (docs/checkpoint-format.md, "A state that no longer matches the code").
 *
 * Types are erased at run time, so the summary can only say what the stored values look like. To
 * keep a correct application running, it errs on the side of accepting:
 * - `null` and `undefined` match any shape, and an object key holding either counts as absent:
 *   nullable fields change kind legitimately;
 * - an empty array, Map or Set says nothing about its elements;
 * - an object key is "required" only when every sampled object has it, and keys are compared only
 *   when the objects look like records (a few fixed keys), not dictionaries (keys that are data).
 */

/** Deepest level whose contents are summarised (0: the state itself). */
const MAX_DEPTH = 3;
/** Elements of an array, Set or Map summarised or checked per value. */
const ELEMENTS = 8;
/** More distinct keys than this across objects: a dictionary, whose keys are not compared. */
const RECORD_KEYS = 32;

interface Field {
  readonly shape: StateShape;
  /** Objects that had this key with a value (neither null nor undefined). */
  count: number;
}

/** A union of the kinds of values seen at one place of the states, and what they held. */
export class StateShape {
  private readonly kinds = new Set<string>();
  private nullable = false;
  private objects = 0;
  private maxKeys = 0;
  private fields: Map<string, Field> | undefined;
  /** More distinct keys than {@link RECORD_KEYS}: no new keys are tracked, only their values. */
  private dictionary = false;
  /** Every object field's value, for objects that turn out to be dictionaries. */
  private values: StateShape | undefined;
  /** Array and Set elements, Map values. */
  private items: StateShape | undefined;
  /** Map keys. */
  private keys: StateShape | undefined;

  private readonly depth: number;

  constructor(depth = 0) {
    this.depth = depth;
  }

  /** Whether no value other than null or undefined was seen: then anything matches. */
  get isEmpty(): boolean {
    return this.kinds.size === 0;
  }

  /** Adds `value` to the summary. */
  add(value: unknown): void {
    const kind = kindOf(value);
    if (kind === undefined) {
      this.nullable = true;
      return;
    }
    this.kinds.add(kind);
    if (this.depth >= MAX_DEPTH) return;
    if (kind === 'object') this.addObject(value as Record<string, unknown>);
    else if (kind === 'array') this.addElements(value as readonly unknown[]);
    else if (kind === 'Set') this.addElements((value as ReadonlySet<unknown>).values());
    else if (kind === 'Map') {
      let n = 0;
      for (const [k, v] of value as ReadonlyMap<unknown, unknown>) {
        if (n++ === ELEMENTS) break;
        (this.keys ??= new StateShape(this.depth + 1)).add(k);
        (this.items ??= new StateShape(this.depth + 1)).add(v);
      }
    }
  }

  private addObject(o: Record<string, unknown>): void {
    this.objects++;
    const fields = (this.fields ??= new Map<string, Field>());
    let n = 0;
    for (const key in o) {
      if (!Object.hasOwn(o, key) || o[key] === undefined) continue;
      n++;
      (this.values ??= new StateShape(this.depth + 1)).add(o[key]);
      let field = fields.get(key);
      if (!field && !this.dictionary) {
        if (fields.size === RECORD_KEYS) this.dictionary = true;
        else fields.set(key, (field = { shape: new StateShape(this.depth + 1), count: 0 }));
      }
      if (!field) continue;
      if (o[key] !== null) field.count++;
      field.shape.add(o[key]);
    }
    if (n > this.maxKeys) this.maxKeys = n;
  }

  private addElements(items: Iterable<unknown>): void {
    let n = 0;
    for (const item of items) {
      if (n++ === ELEMENTS) break;
      (this.items ??= new StateShape(this.depth + 1)).add(item);
    }
  }

  /** Whether the objects seen look like records (a few fixed keys) rather than dictionaries. */
  private get isRecord(): boolean {
    return !this.dictionary && (this.fields?.size ?? 0) <= 2 * Math.max(this.maxKeys, 2);
  }

  /**
   * What makes `value` differ from the values summarised, or `undefined` when it matches:
   * `is number` (another kind), `has key n that none of the stored states has`, `lacks key total
   * that every stored state has`, prefixed with where inside the value (`.total: is string`).
   */
  mismatch(value: unknown, path = ''): string | undefined {
    const kind = kindOf(value);
    if (kind === undefined || this.isEmpty) return undefined;
    if (!this.kinds.has(kind)) return `${where(path)}is ${describe(value)}`;
    if (this.depth >= MAX_DEPTH) return undefined;
    if (kind === 'object') return this.objectMismatch(value as Record<string, unknown>, path);
    if (kind === 'array' || kind === 'Set') {
      return this.elementsMismatch(value as Iterable<unknown>, `${path}[]`);
    }
    if (kind === 'Map') {
      let n = 0;
      for (const [k, v] of value as ReadonlyMap<unknown, unknown>) {
        if (n++ === ELEMENTS) break;
        const found =
          this.keys?.mismatch(k, `${path} (a Map key)`) ??
          this.items?.mismatch(v, `${path} (a Map value)`);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  }

  private objectMismatch(o: Record<string, unknown>, path: string): string | undefined {
    const fields = this.fields;
    if (!fields || fields.size === 0) return undefined;
    if (!this.isRecord) {
      // A dictionary: its keys are data, only what they hold is compared.
      let n = 0;
      for (const key in o) {
        if (!Object.hasOwn(o, key)) continue;
        if (n++ === ELEMENTS) break;
        const found = this.values?.mismatch(o[key], `${path}[${JSON.stringify(key)}]`);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    const added: string[] = [];
    let nested: string | undefined;
    let present = 0;
    for (const key in o) {
      if (!Object.hasOwn(o, key) || o[key] === undefined || o[key] === null) continue;
      const field = fields.get(key);
      if (!field) added.push(key);
      else {
        present++;
        nested ??= field.shape.mismatch(o[key], `${path}.${key}`);
      }
    }
    const lacking: string[] = [];
    if (present < fields.size) {
      for (const [key, field] of fields) {
        if (field.count === this.objects && (!Object.hasOwn(o, key) || o[key] == null)) {
          lacking.push(key);
        }
      }
    }
    const changes: string[] = [];
    if (added.length > 0) {
      changes.push(`${where(path)}has ${keyList(added)} that none of the stored states has`);
    }
    if (lacking.length > 0) {
      changes.push(`${where(path)}lacks ${keyList(lacking)} that every stored state has`);
    }
    if (nested !== undefined) changes.push(nested);
    return changes.length > 0 ? changes.join('; ') : undefined;
  }

  private elementsMismatch(items: Iterable<unknown>, path: string): string | undefined {
    if (!this.items) return undefined;
    let n = 0;
    for (const item of items) {
      if (n++ === ELEMENTS) break;
      const found = this.items.mismatch(item, path);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** As TypeScript would write the type: `number`, `{ n: number, total: number }`, `string[]`. */
  toString(): string {
    if (this.isEmpty) return this.nullable ? 'null' : 'unknown';
    const parts = [...this.kinds].sort().map((kind) => this.describeKind(kind));
    if (this.nullable) parts.push('null');
    return parts.join(' | ');
  }

  private describeKind(kind: string): string {
    const inner = (s: StateShape | undefined) => (s ? s.toString() : 'unknown');
    switch (kind) {
      case 'object': {
        if (!this.fields) return 'object';
        if (this.fields.size === 0) return '{}';
        if (!this.isRecord) return `{ [key: string]: ${inner(this.values)} }`;
        const keys = [...this.fields.keys()].sort();
        const shown = keys.slice(0, 12).map((k) => {
          const f = this.fields!.get(k)!;
          return `${k}${f.count < this.objects ? '?' : ''}: ${f.shape.toString()}`;
        });
        if (keys.length > 12) shown.push(`… ${keys.length - 12} more`);
        return `{ ${shown.join(', ')} }`;
      }
      case 'array': {
        const item = inner(this.items);
        return item.includes(' ') ? `(${item})[]` : `${item}[]`;
      }
      case 'Set':
        return `Set<${inner(this.items)}>`;
      case 'Map':
        return `Map<${inner(this.keys)}, ${inner(this.items)}>`;
      default:
        return kind;
    }
  }
}

/** The shape of one value, as {@link StateShape.toString} writes it. */
export function describe(value: unknown): string {
  const shape = new StateShape();
  shape.add(value);
  return shape.toString();
}

/**
 * A summary of `count` states read through `valueAt`: at most `limit` of them, evenly spread, so
 * that every partition of a snapshot (stored one after the other) is represented.
 */
export function sampleShape(
  count: number,
  valueAt: (i: number) => unknown,
  limit = 1000,
): StateShape {
  const shape = new StateShape();
  const step = Math.max(1, Math.ceil(count / limit));
  for (let i = 0; i < count; i += step) shape.add(valueAt(i));
  return shape;
}

function keyList(keys: readonly string[]): string {
  return `${keys.length === 1 ? 'key' : 'keys'} ${[...keys].sort().join(', ')}`;
}

function where(path: string): string {
  return path === '' ? '' : `${path}: `;
}

/** The kind of a value: `undefined` for null and undefined, which match any shape. */
function kindOf(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const t = typeof value;
  if (t !== 'object') return t;
  if (Array.isArray(value)) return 'array';
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === Object.prototype || proto === null) return 'object';
  if (value instanceof Date) return 'Date';
  if (value instanceof Map) return 'Map';
  if (value instanceof Set) return 'Set';
  const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'object';
}
