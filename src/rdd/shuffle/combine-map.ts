import { KeyMap } from '../../util/keys.js';
import type { Aggregator } from './aggregator.js';

/**
 * The combiners of the keys seen so far, in the order keys first came. A key already present costs
 * one hash lookup per record (its slot), where a map of combiners would cost two (get, then set):
 * the lookup is most of the work of a combining shuffle.
 */
export class CombineMap<K, V, C> {
  readonly keys: K[] = [];
  readonly combiners: C[] = [];
  private readonly slots = new KeyMap<K, number>();

  constructor(private readonly aggregator: Aggregator<V, C>) {}

  /** Folds a value into its key's combiner (map side, or a reduce side fed raw values). */
  insertValue(key: K, value: V): void {
    const slot = this.slots.get(key);
    if (slot !== undefined) {
      this.combiners[slot] = this.aggregator.mergeValue(this.combiners[slot]!, value);
    } else {
      this.slots.set(key, this.keys.length);
      this.keys.push(key);
      this.combiners.push(this.aggregator.createCombiner(value));
    }
  }

  /** Folds a combiner from the map side into its key's combiner (reduce side). */
  insertCombiner(key: K, combiner: C): void {
    const slot = this.slots.get(key);
    if (slot !== undefined) {
      this.combiners[slot] = this.aggregator.mergeCombiners(this.combiners[slot]!, combiner);
    } else {
      this.slots.set(key, this.keys.length);
      this.keys.push(key);
      this.combiners.push(combiner);
    }
  }
}
