/** A key-value pair, as the pair operations of RDDs and DStreams take and give. */
export type Pair<K, V> = readonly [K, V];

/**
 * The widened type of a literal, so that `map((w) => [w, 1] as const).reduceByKey((a, b) => a + b)`
 * reduces numbers, not the literal type `1`.
 */
export type Widen<T> = T extends number
  ? number
  : T extends string
    ? string
    : T extends boolean
      ? boolean
      : T extends bigint
        ? bigint
        : T;

/**
 * Checks at compile time that instances of each class are a `T`, as `implements T` would, without
 * naming `T` in the published declarations: there, the engine's own members of a class are left
 * out (`@internal`), so an `implements` clause over them would not hold for users' compilers:
 * `conformsTo<StatefulStream>()(ReducedWindowedDStream)`.
 */
export function conformsTo<T>(): (...classes: (abstract new (...args: never[]) => T)[]) => void {
  return () => undefined;
}
