// The mechanism that checks attached operations against their declarations (src/util/attach.ts),
// fed wrong implementations: each must be a compile error. Without it, operations were assigned
// to a prototype typed `DStream<any>`, and all of these compiled.
import type { DStream, Pair } from 'dstream';
import type { DStreamOperations } from '../../src/dstream/dstream-operations.js';
import type { PairDStreamFunctions } from '../../src/dstream/pair-dstream-functions.js';
import type { Implementation } from '../../src/util/attach.js';

export function wrongReturnType<T>(): Implementation<
  Pick<DStreamOperations<T>, 'filter'>,
  DStream<T>
> {
  return {
    // @ts-expect-error -- filter returns a DStream<T>, not a DStream<boolean>
    filter(p) {
      return this.map(p);
    },
  };
}

export function wrongParameterType<T>(): Implementation<
  Pick<DStreamOperations<T>, 'map'>,
  DStream<T>
> {
  return {
    // @ts-expect-error -- map's function takes the element type
    map<U>(f: (item: string) => U) {
      return this.map((x) => f(String(x)));
    },
  };
}

export const unwidened: Implementation<
  Pick<PairDStreamFunctions, 'reduceByKey'>,
  DStream<unknown>
> = {
  // @ts-expect-error -- reduceByKey is declared with widened values (the cast that hid this is gone)
  reduceByKey<K, V>(this: DStream<Pair<K, V>>, _f: (a: V, b: V) => V) {
    return this;
  },
};

// @ts-expect-error -- every declared operation must be implemented
export const incomplete: Implementation<PairDStreamFunctions, DStream<unknown>> = {
  mapValues(f) {
    return this.map(([k, v]) => [k, f(v)] as const);
  },
};

export function undeclared<T>(): Implementation<Pick<DStreamOperations<T>, 'glom'>, DStream<T>> {
  return {
    glom() {
      return this.map((x) => [x]);
    },
    // @ts-expect-error -- an operation must be declared to be attached
    flatten() {
      return this;
    },
  };
}
