/** How values of one key are combined on both sides of a shuffle, as Spark's `Aggregator`. */
export interface Aggregator<V, C> {
  createCombiner(value: V): C;
  mergeValue(combiner: C, value: V): C;
  mergeCombiners(a: C, b: C): C;
}
