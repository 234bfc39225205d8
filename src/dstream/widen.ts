import type { Pair, Widen } from '../util/types.js';
import type { DStream } from './dstream.js';

// `reduce`, `reduceByKey` and the operations built on them declare widened elements (`Widen`), so
// that `map((w) => [w, 1] as const).reduceByKey((a, b) => a + b)` reduces numbers, not `1`s. Every
// `T` is a `Widen<T>`, but TypeScript cannot prove it of a type parameter: these two functions say
// it, once, for the implementations. Each returns the stream it is given.

/** `stream`, typed with widened elements. */
export function widen<T>(stream: DStream<T>): DStream<Widen<T>> {
  return stream as DStream<Widen<T>>;
}

/** `stream` of pairs, typed with widened values. */
export function widenValues<K, V>(stream: DStream<Pair<K, V>>): DStream<Pair<K, Widen<V>>> {
  return stream as DStream<Pair<K, Widen<V>>>;
}
