// Who is creating RDDs right now. Code above this layer (the streaming layer, computing a stream's
// RDD for a batch) opens a scope around a computation and is told of every RDD created inside it,
// as Spark's `RDDOperationScope` labels the RDDs an operation creates. The RDD layer itself knows
// nothing of what a scope stands for.
//
// The stack lives on globalThis so that two copies of dstream loaded in one thread share it.

/** Told of each RDD created while it is the innermost open scope. */
export interface RddCreationScope {
  rddCreated(rdd: object): void;
}

const STACK = Symbol.for('dstream.rddCreationScopes');
const holder = globalThis as { [STACK]?: RddCreationScope[] };
const scopes: RddCreationScope[] = (holder[STACK] ??= []);

/** Runs `body` with `scope` told of every RDD created meanwhile (inner scopes take their own). */
export function withRddCreationScope<R>(scope: RddCreationScope, body: () => R): R {
  scopes.push(scope);
  try {
    return body();
  } finally {
    scopes.pop();
  }
}

/** Called by every RDD's constructor. */
export function noteRddCreated(rdd: object): void {
  scopes[scopes.length - 1]?.rddCreated(rdd);
}
