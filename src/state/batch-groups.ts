import { encodeKey } from '../util/keys.js';

/**
 * The values of one batch grouped by key (updateStateByKey's `values`), keys compared by value.
 * `take` hands a key's values over once, so what is left afterwards are the keys that had no state.
 */
export class BatchGroups<K, V> {
  private readonly primitives = new Map<K, V[]>();
  private composites: Map<string, { readonly key: K; readonly values: V[] }> | undefined;
  private count = 0;

  /** Keys not taken yet. */
  get size(): number {
    return this.count;
  }

  add(key: K, value: V): void {
    if (typeof key !== 'object' || key === null) {
      const values = this.primitives.get(key);
      if (values) values.push(value);
      else {
        this.primitives.set(key, [value]);
        this.count++;
      }
      return;
    }
    const encoding = encodeKey(key);
    const group = (this.composites ??= new Map<string, { key: K; values: V[] }>()).get(encoding);
    if (group) group.values.push(value);
    else {
      this.composites.set(encoding, { key, values: [value] });
      this.count++;
    }
  }

  /** Removes and returns the values of `key` (`encoding`: its encoding, when already known). */
  take(key: K, encoding?: string): V[] | undefined {
    if (this.count === 0) return undefined;
    if (typeof key !== 'object' || key === null) {
      const values = this.primitives.get(key);
      if (values) {
        this.primitives.delete(key);
        this.count--;
      }
      return values;
    }
    if (!this.composites) return undefined;
    const e = encoding ?? encodeKey(key);
    const group = this.composites.get(e);
    if (!group) return undefined;
    this.composites.delete(e);
    this.count--;
    return group.values;
  }

  /** Every key not taken, with its values. */
  forEach(f: (values: V[], key: K) => void): void {
    this.primitives.forEach(f);
    this.composites?.forEach((g) => f(g.values, g.key));
  }
}
