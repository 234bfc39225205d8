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

// The call site RDDs created now are labelled with, when the user's code is not on the stack: a
// stream computing its RDD for a batch gives its own creation site, as Spark's DStream sets the
// call site of the RDDs it generates.
const SITES = Symbol.for('dstream.rddCallSites');
const siteHolder = globalThis as { [SITES]?: { readonly short: string }[] };
const sites = (siteHolder[SITES] ??= []);

/** Runs `body` with the RDDs it creates labelled with `site`. */
export function withCallSite<R>(site: { readonly short: string }, body: () => R): R {
  sites.push(site);
  try {
    return body();
  } finally {
    sites.pop();
  }
}

/** The call site given by the innermost {@link withCallSite}, if any. */
export function currentCallSite(): { readonly short: string } | undefined {
  return sites[sites.length - 1];
}
